package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.failover.HookKind;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster file is the same on every host, but hooks exist only where they run: a watcher
 * on a witness must start without the agents' IP scripts, while check-config (and an agent)
 * must still catch a missing one.
 */
class ClusterFileHooksTest {
    private static final String YAML = """
            state-dir: /var/lib/vigil
            watchers:
              - {id: w1, address: 127.0.0.1:7400}
            groups:
              - id: web
                floating-ip: 10.0.0.100/24
                interface: eth0
                initial-primary: n1
                hooks:
                  acquire: [/nonexistent/vip-linux.sh, acquire]
                nodes:
                  - {id: n1, agent: 127.0.0.1:7500}
                  - {id: n2, agent: 127.0.0.1:7501}
            """;

    @Test
    void aHostThatDoesNotRunAHookDoesNotNeedIt() throws ConfigException {
        ClusterFile f = ClusterFileLoader.parse(YAML, Path.of("/etc/vigil/cluster.yaml"),
                EnumSet.of(HookKind.FENCE, HookKind.NOTIFY));
        assertEquals(List.of("/nonexistent/vip-linux.sh", "acquire"), f.groups().get(0).hooks().of(HookKind.ACQUIRE).orElseThrow());
    }

    @Test
    void aHostThatRunsItOrCheckConfigReportsItMissing() {
        for (var kinds : List.of(EnumSet.of(HookKind.ACQUIRE), EnumSet.allOf(HookKind.class))) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ClusterFileLoader.parse(YAML, Path.of("/etc/vigil/cluster.yaml"), kinds));
            assertTrue(e.errors().toString().contains("/nonexistent/vip-linux.sh is not an executable file"),
                    e.errors().toString());
        }
    }
}
