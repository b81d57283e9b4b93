package dev.vigil.core;

/** Where decisions go: a log, an operator's event stream, the simulator's checker. */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);
}
