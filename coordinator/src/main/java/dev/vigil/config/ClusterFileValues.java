package dev.vigil.config;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the scalar values of the cluster file: durations, host:port, IP literals with a
 * prefix, interface names. Each returns the value or throws {@link IllegalArgumentException}
 * with a message an operator can act on. IP literals are parsed here, strictly, so that no
 * value of the file ever triggers a DNS lookup (unlike {@code InetAddress.getByName}).
 */
public final class ClusterFileValues {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(\\.\\d{1,9})?(ms|s|m|h)?");
    private static final String DURATION_HINT = "write e.g. 250ms, 1s, 1.5s or 2m (a plain number is milliseconds)";

    private ClusterFileValues() {}

    /** "250ms", "1s", "1.5s", "2m", "1h" or a plain integer of milliseconds. */
    public static long durationMs(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; " + DURATION_HINT);
        }
        String unit = m.group(3);
        if (unit == null && m.group(2) != null) {
            throw new IllegalArgumentException("'" + text + "' has a fraction but no unit; " + DURATION_HINT);
        }
        long factor = switch (unit == null ? "ms" : unit) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        BigDecimal ms = new BigDecimal(m.group(1) + (m.group(2) == null ? "" : m.group(2)))
                .multiply(BigDecimal.valueOf(factor));
        try {
            return ms.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of milliseconds");
        }
    }

    /** A decimal integer between {@code min} and {@code max}. */
    public static int integer(String text, int min, int max) {
        if (!text.matches("-?\\d{1,10}")) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
        long v = Long.parseLong(text);
        if (v < min || v > max) {
            throw new IllegalArgumentException(max == Integer.MAX_VALUE
                    ? "must be at least " + min + ", got " + v
                    : "must be " + min + " to " + max + ", got " + v);
        }
        return (int) v;
    }

    /** host:port where host is an IPv4 literal, a bracketed IPv6 literal or a DNS name. */
    public static ClusterFile.HostPort hostPort(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' opens '[' but never closes it");
            }
            String literal = text.substring(1, close);
            int[] v6 = ipv6(literal);
            if (v6 == null) {
                throw new IllegalArgumentException("'" + literal + "' is not a valid IPv6 address");
            }
            host = formatIpv6(v6);
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' is missing the port; write [" + literal + "]:PORT");
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + text + "' must be [IPv6]:PORT");
            }
            port = rest.substring(1);
        } else {
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' is missing the port; write host:port, e.g. "
                        + (text.isEmpty() ? "10.0.0.1" : text) + ":7400");
            }
            if (text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("'" + text + "' is ambiguous: an IPv6 address goes in brackets, "
                        + "e.g. [fd00::1]:7400");
            }
            host = host(text.substring(0, colon));
            port = text.substring(colon + 1);
        }
        if (port.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is missing the port");
        }
        if (!port.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("port '" + port + "' of '" + text + "' is not a number");
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65_535) {
            throw new IllegalArgumentException("port of '" + text + "' must be 1 to 65535, got " + p);
        }
        return new ClusterFile.HostPort(host, p);
    }

    /** An IPv4 literal or a DNS name, lower-cased; anything made only of digits and dots must be IPv4. */
    static String host(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (text.matches("[0-9.]+")) {
            int[] v4 = ipv4(text);
            if (v4 == null) {
                throw new IllegalArgumentException("'" + text + "' is not a valid IPv4 address");
            }
            return text;
        }
        if (text.length() > 253) {
            throw new IllegalArgumentException("host name '" + text + "' is longer than 253 characters");
        }
        for (String label : text.split("\\.", -1)) {
            if (!label.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("'" + text + "' is neither an IPv4 address nor a valid host name "
                        + "(labels of letters, digits and inner '-', 1 to 63 each)");
            }
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    /** "10.0.0.100/24" or "fd00::100/64": the prefix is required. */
    public static ClusterFile.FloatingIp floatingIp(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' needs a prefix length, e.g. " + text
                    + (text.contains(":") ? "/64" : "/24"));
        }
        String addr = text.substring(0, slash);
        String prefix = text.substring(slash + 1);
        boolean v6 = addr.contains(":");
        int max = v6 ? 128 : 32;
        String address;
        if (v6) {
            int[] groups = ipv6(addr);
            if (groups == null) {
                throw new IllegalArgumentException("'" + addr + "' is not a valid IPv6 address");
            }
            address = formatIpv6(groups);
        } else {
            if (ipv4(addr) == null) {
                throw new IllegalArgumentException("'" + addr + "' is not a valid IPv4 address");
            }
            address = addr;
        }
        if (!prefix.matches("0|[1-9]\\d{0,2}") || Integer.parseInt(prefix) > max) {
            throw new IllegalArgumentException("prefix '/" + prefix + "' of '" + text + "' must be /0 to /" + max
                    + " for an " + (v6 ? "IPv6" : "IPv4") + " address");
        }
        return new ClusterFile.FloatingIp(address, Integer.parseInt(prefix), v6);
    }

    /** A Linux interface name: 1 to 15 characters of letters, digits, '_', '.', ':' and '-'. */
    public static String interfaceName(String text) {
        if (text.isEmpty() || text.length() > 15) {
            throw new IllegalArgumentException("interface name '" + text + "' must be 1 to 15 characters, got "
                    + text.length());
        }
        if (text.equals(".") || text.equals("..")) {
            throw new IllegalArgumentException("'" + text + "' is not an interface name");
        }
        if (!text.matches("[A-Za-z0-9_.:-]+")) {
            throw new IllegalArgumentException("interface name '" + text
                    + "' may hold only letters, digits, '_', '.', ':' and '-'");
        }
        return text;
    }

    /** Four decimal octets without leading zeros (an octal-looking "010" is refused), or null. */
    static int[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (!p.matches("0|[1-9]\\d{0,2}")) {
                return null;
            }
            out[i] = Integer.parseInt(p);
            if (out[i] > 255) {
                return null;
            }
        }
        return out;
    }

    /** Eight 16-bit groups of an IPv6 literal (with "::" and a trailing IPv4 part allowed, no zone), or null. */
    static int[] ipv6(String s) {
        if (s.isEmpty() || s.indexOf('%') >= 0) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = groups(gap < 0 ? s : s.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(s.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int n = head.length + tail.length;
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        int[] out = new int[8];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, 8 - tail.length, tail.length);
        return out;
    }

    private static int[] groups(String part, boolean mayEndWithIpv4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] g = part.split(":", -1);
        int[] out = new int[g.length + 1];
        int n = 0;
        for (int i = 0; i < g.length; i++) {
            if (mayEndWithIpv4 && i == g.length - 1 && g[i].indexOf('.') >= 0) {
                int[] v4 = ipv4(g[i]);
                if (v4 == null) {
                    return null;
                }
                out[n++] = v4[0] << 8 | v4[1];
                out[n++] = v4[2] << 8 | v4[3];
            } else if (g[i].matches("[0-9A-Fa-f]{1,4}")) {
                out[n++] = Integer.parseInt(g[i], 16);
            } else {
                return null;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    static String formatIpv6(int[] g) {
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        var sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
