package dev.vigil.failover;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;

/** One hook invocation: which hook, for which group and term, and the failover it belongs to. */
public record HookCall(HookKind kind, GroupId group, long term, NodeId oldPrimary, NodeId newPrimary) {
}
