package dev.vigil.core;

/** Validation shared by the identity records: ids travel in messages, logs and hook environments. */
final class Ids {
    private Ids() {}

    static void check(String what, String value) {
        if (value == null || value.isEmpty() || value.length() > 63) {
            throw new IllegalArgumentException(what + " must be 1 to 63 characters, got " + quote(value));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException(
                        what + " may hold only letters, digits, '-', '_' and '.', got " + quote(value));
            }
        }
    }

    private static String quote(String v) {
        return v == null ? "null" : '"' + (v.length() > 80 ? v.substring(0, 80) + "…" : v) + '"';
    }
}
