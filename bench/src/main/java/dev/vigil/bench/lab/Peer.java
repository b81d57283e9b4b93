package dev.vigil.bench.lab;

import java.util.Map;

/**
 * One failover tool in one configuration, run in a {@link PeerLab} with n1 as the primary
 * and n2 as the standby. The benchmark injects the faults itself (the same for every tool):
 * a crash is every process of n1 killed and its link down; a hang is SIGSTOP of every
 * process the tool started on n1 (its daemon and the service).
 */
interface Peer {
    /** The tool, e.g. {@code keepalived}. */
    String tool();

    /** The configuration, e.g. {@code advert 1.37s}; with {@link #tool()} it names a row. */
    String variant();

    /** The detection window this configuration is meant to match (Vigil's down-after), in ms. */
    long detectionMs();

    /**
     * Starts the services and the tool with n1 primary, after {@link PeerLab#reset()}; returns
     * once the tool is settled and n1 holds the floating IP. {@code run} prefixes log names.
     */
    void start(PeerLab lab, String run) throws Exception;

    /**
     * Counts of the tool's own decisions in run {@code run}'s logs: at least {@code failovers}
     * (a node became the holder by the tool's decision, the initial one not counted), and
     * where the tool has them {@code sdown} (summed over watchers) and {@code odown}.
     */
    Map<String, Integer> decisions(PeerLab lab, String run);

    /**
     * The tool's own milestones after a fault at {@code faultMonoMs} (the client's clock) or
     * {@code faultWallMs} (the wall clock), as ms after the fault, in the order they happen;
     * empty where the tool's logs do not have them.
     */
    default Map<String, Long> milestones(PeerLab lab, String run, long faultMonoMs, long faultWallMs) {
        return Map.of();
    }

    /** The operator's planned move of the floating IP from n1 to n2, where the tool has one. */
    default void switchover(PeerLab lab) throws Exception {
        throw new UnsupportedOperationException(tool() + " has no switchover in this benchmark");
    }
}
