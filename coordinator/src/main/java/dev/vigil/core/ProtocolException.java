package dev.vigil.core;

/**
 * A request the protocol refuses because of what it says (unknown group or node, a value out of
 * range), as opposed to a failure of the system. The gRPC edge maps {@link Code} to a status.
 */
public final class ProtocolException extends RuntimeException {
    public enum Code { UNKNOWN_GROUP, UNKNOWN_NODE, INVALID_ARGUMENT, FAILED_PRECONDITION }

    private final Code code;

    public ProtocolException(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
