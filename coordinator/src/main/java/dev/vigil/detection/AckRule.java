package dev.vigil.detection;

/**
 * Which ack a prober keeps when a timely valid reply comes: the one it holds (of incarnation
 * {@code keptIncarnation}, stamp {@code keptStamp}, answering a probe sent at {@code keptSent}) or
 * the reply's. {@link #STANDARD} is the only rule Vigil runs: within one agent incarnation the
 * higher stamp, across incarnations the reply to the later probe, since a reboot restarts the
 * agent's clock. The interface lets tests plant a faulty rule and prove the simulator catches it.
 */
@FunctionalInterface
public interface AckRule {
    boolean newer(long keptIncarnation, long keptStamp, long keptSent, long incarnation, long stamp, long sent);

    AckRule STANDARD = (keptIncarnation, keptStamp, keptSent, incarnation, stamp, sent) ->
            incarnation == keptIncarnation ? stamp > keptStamp : sent > keptSent;
}
