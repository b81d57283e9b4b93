package dev.vigil.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.transport.udp.Envelope.Drop;
import dev.vigil.transport.udp.Envelope.Kind;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The datagram's wire form: what it carries comes back, and whatever else arrives is a counted drop, never an exception. */
class EnvelopeTest {
    private static final Envelope.Hmac KEY = new Envelope.Hmac(new byte[32]);
    private static final Envelope.Hmac OTHER = new Envelope.Hmac("another cluster's key, 32 bytes!".getBytes());

    private static Envelope sample() {
        return new Envelope(Kind.PROBE_REPLY, "n1", 0x1234_5678_9abcL, 77, -5L, 3, new byte[] {1, 2, 3, 4});
    }

    @Test
    void aSealedDatagramOpensToWhatWasSealed() {
        byte[] d = sample().seal(KEY);
        Envelope.Opened o = Envelope.open(d, d.length, KEY);
        assertTrue(o.ok(), String.valueOf(o.drop()));
        Envelope e = o.envelope();
        assertEquals(Kind.PROBE_REPLY, e.kind());
        assertEquals("n1", e.sender());
        assertEquals(0x1234_5678_9abcL, e.incarnation());
        assertEquals(77, e.sequence());
        assertEquals(-5L, e.requestId());
        assertEquals(3, e.first());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, e.payload());
    }

    @Test
    void anyChangedByteOrAnotherKeyIsABadMac() {
        byte[] d = sample().seal(KEY);
        assertEquals(Drop.BAD_MAC, Envelope.open(d, d.length, OTHER).drop());
        for (int i = 1; i < d.length; i++) { // byte 0 is the version, refused before the MAC
            byte[] c = d.clone();
            c[i] ^= 0x01;
            Drop drop = Envelope.open(c, c.length, KEY).drop();
            assertEquals(Drop.BAD_MAC, drop, "byte " + i);
        }
    }

    @Test
    void aTruncatedDatagramIsDropped() {
        byte[] d = sample().seal(KEY);
        assertEquals(Drop.TRUNCATED, Envelope.open(d, 10, KEY).drop());
        assertEquals(Drop.BAD_MAC, Envelope.open(d, d.length - 1, KEY).drop(), "a byte short: the MAC no longer matches");
    }

    @Test
    void anOversizedDatagramIsDroppedAndNeverSealed() {
        byte[] big = new byte[Envelope.MAX_DATAGRAM + 1];
        assertEquals(Drop.TOO_BIG, Envelope.open(big, big.length, KEY).drop());
        var tooMuch = new Envelope(Kind.PROBE_REQUEST, "w1", 1, 1, 1, 0, new byte[Envelope.payloadBudget("w1") + 1]);
        assertThrows(IllegalArgumentException.class, () -> tooMuch.seal(KEY));
        var justFits = new Envelope(Kind.PROBE_REQUEST, "w1", 1, 1, 1, 0, new byte[Envelope.payloadBudget("w1")]);
        assertEquals(Envelope.MAX_DATAGRAM, justFits.seal(KEY).length);
    }

    @Test
    void anotherVersionIsDropped() {
        byte[] d = sample().seal(KEY);
        d[0] = 2;
        assertEquals(Drop.VERSION, Envelope.open(d, d.length, KEY).drop());
    }

    @Test
    void authenticButInconsistentLengthsAreMalformed() {
        // a member with the key whose lengths lie: the MAC is right, the layout is not
        byte[] d = sample().seal(KEY);
        int lengthAt = 3 + 2 + 24 + 2;
        d[lengthAt + 1] = 9; // payload claims 9 bytes, holds 4
        byte[] resealed = Arrays.copyOf(d, d.length);
        System.arraycopy(KEY.mac(resealed, 0, d.length - 32), 0, resealed, d.length - 32, 32);
        assertEquals(Drop.MALFORMED, Envelope.open(resealed, resealed.length, KEY).drop());
    }

    @Test
    void randomBytesNeverThrow() {
        var random = new SplittableRandom(18);
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(1, Envelope.MAX_DATAGRAM + 10)];
            random.nextBytes(junk);
            junk[0] = (byte) (random.nextBoolean() ? 1 : junk[0]);
            assertTrue(!Envelope.open(junk, junk.length, KEY).ok());
        }
    }
}
