package dev.vigil.scenario;

/** {@link ScenarioSuite} on the simulator: virtual time, invariants checked after every step. */
class SimScenarioTest extends ScenarioSuite {
    @Override
    protected ClusterDriver newDriver() {
        return new SimDriver(1);
    }
}
