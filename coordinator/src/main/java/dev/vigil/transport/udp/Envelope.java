package dev.vigil.transport.udp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One authenticated probe datagram and its wire form. Layout, big-endian:
 * <pre>
 *   version 1 | kind 1 | sender length 1 | sender (UTF-8, 1..63) | incarnation 8 | sequence 8
 *   | request id 8 | first 2 | payload length 2 | payload | HMAC-SHA256 32
 * </pre>
 * The MAC covers every byte before it, and is checked before anything else of the datagram is
 * read. {@code incarnation} is the sender's (its start time in the high bits, so a restart is a
 * higher one), {@code sequence} counts the sender's datagrams to this receiver from 1;
 * {@code requestId} is the request's random nonce, which its replies echo; {@code first} is,
 * in a reply, the index of its first result among the request's probes (a reply too large for
 * one datagram is split). The payload is a protobuf ProbeBatchRequest or ProbeBatchReply.
 */
record Envelope(Kind kind, String sender, long incarnation, long sequence, long requestId, int first, byte[] payload) {
    static final int VERSION = 1;
    /** Below the 1500-byte Ethernet MTU with room for IP, UDP and a tunnel: a probe datagram is never fragmented. */
    static final int MAX_DATAGRAM = 1_400;
    static final int MAC_BYTES = 32;
    static final int MAX_SENDER = 63;
    private static final int FIXED = 1 + 1 + 1 + 8 + 8 + 8 + 2 + 2;

    enum Kind {
        PROBE_REQUEST(1), PROBE_REPLY(2);

        final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    Envelope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        int len = sender.getBytes(StandardCharsets.UTF_8).length;
        if (len < 1 || len > MAX_SENDER) {
            throw new IllegalArgumentException("sender id of " + len + " bytes");
        }
        if (first < 0 || first > 0xFFFF) {
            throw new IllegalArgumentException("first " + first);
        }
    }

    /** How many payload bytes fit in one datagram beside a header naming {@code sender}. */
    static int payloadBudget(String sender) {
        return MAX_DATAGRAM - FIXED - sender.getBytes(StandardCharsets.UTF_8).length - MAC_BYTES;
    }

    /** The datagram: header, payload and MAC; throws IllegalArgumentException when it would exceed {@link #MAX_DATAGRAM}. */
    byte[] seal(Hmac key) {
        byte[] id = sender.getBytes(StandardCharsets.UTF_8);
        int size = FIXED + id.length + payload.length + MAC_BYTES;
        if (size > MAX_DATAGRAM) {
            throw new IllegalArgumentException("a datagram of " + size + " bytes exceeds " + MAX_DATAGRAM);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) VERSION).put((byte) kind.code).put((byte) id.length).put(id).putLong(incarnation)
                .putLong(sequence).putLong(requestId).putShort((short) first).putShort((short) payload.length)
                .put(payload);
        b.put(key.mac(b.array(), 0, size - MAC_BYTES));
        return b.array();
    }

    /** Why a datagram was not taken; each is counted ({@link Drops}). */
    enum Drop {
        TOO_BIG("too-big"), TRUNCATED("truncated"), VERSION("version"), BAD_MAC("bad-mac"), MALFORMED("malformed"),
        UNKNOWN_SENDER("unknown-sender"), REPLAY("replay"), OLD_INCARNATION("old-incarnation"),
        UNSOLICITED("unsolicited"), LATE("late"), INVALID("invalid"), SEND_FAILED("send-failed");

        final String key;

        Drop(String key) {
            this.key = key;
        }
    }

    /** What {@link #open} found: an envelope, or the reason to drop the datagram. */
    record Opened(Envelope envelope, Drop drop) {
        boolean ok() {
            return envelope != null;
        }
    }

    /**
     * Parses and authenticates {@code len} bytes of {@code buf}. Never throws for anything a
     * datagram can hold: every problem is a {@link Drop}.
     */
    static Opened open(byte[] buf, int len, Hmac key) {
        if (len > MAX_DATAGRAM) {
            return drop(Drop.TOO_BIG);
        }
        if (len < FIXED + 1 + MAC_BYTES) {
            return drop(Drop.TRUNCATED);
        }
        if ((buf[0] & 0xFF) != VERSION) {
            return drop(Drop.VERSION);
        }
        byte[] mac = key.mac(buf, 0, len - MAC_BYTES);
        byte[] got = new byte[MAC_BYTES];
        System.arraycopy(buf, len - MAC_BYTES, got, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(mac, got)) {
            return drop(Drop.BAD_MAC);
        }
        int code = buf[1] & 0xFF;
        Kind kind = code == Kind.PROBE_REQUEST.code ? Kind.PROBE_REQUEST : code == Kind.PROBE_REPLY.code ? Kind.PROBE_REPLY : null;
        int idLen = buf[2] & 0xFF;
        int lengthAt = 3 + idLen + 8 + 8 + 8 + 2; // where the payload length is
        int end = len - MAC_BYTES;
        if (kind == null || idLen < 1 || idLen > MAX_SENDER || lengthAt + 2 > end
                || lengthAt + 2 + ((buf[lengthAt] & 0xFF) << 8 | (buf[lengthAt + 1] & 0xFF)) != end) {
            return drop(Drop.MALFORMED);
        }
        String sender;
        try {
            sender = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, 3, idLen)).toString();
        } catch (CharacterCodingException e) {
            return drop(Drop.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 3 + idLen, end - 3 - idLen);
        long incarnation = b.getLong();
        long sequence = b.getLong();
        long requestId = b.getLong();
        int first = b.getShort() & 0xFFFF;
        byte[] payload = new byte[b.getShort() & 0xFFFF];
        b.get(payload);
        return new Opened(new Envelope(kind, sender, incarnation, sequence, requestId, first, payload), null);
    }

    private static Opened drop(Drop d) {
        return new Opened(null, d);
    }

    /**
     * HMAC-SHA256 with the cluster's probe key. A {@link Mac} serves one thread at a time, and a
     * datagram is sealed on one thread and opened on another: one instance per thread.
     */
    static final class Hmac {
        private final ThreadLocal<Mac> mac;

        Hmac(byte[] key) {
            SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(spec);
                    return m;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
                }
            });
            mac.get(); // fail at start, not at the first datagram
        }

        byte[] mac(byte[] buf, int off, int len) {
            Mac m = mac.get();
            m.update(buf, off, len);
            return m.doFinal();
        }
    }
}
