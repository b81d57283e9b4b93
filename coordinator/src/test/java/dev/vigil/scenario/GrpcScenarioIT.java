package dev.vigil.scenario;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ScenarioSuite} on real daemons in this JVM over gRPC on loopback: wall-clock time,
 * state files, hooks as processes (see {@link GrpcDriver}).
 */
class GrpcScenarioIT extends ScenarioSuite {
    @TempDir
    Path dir;

    @Override
    protected ClusterDriver newDriver() {
        return new GrpcDriver(dir);
    }
}
