package dev.vigil.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The cluster's probe key ({@code probe-key-file}): the HMAC-SHA256 secret every watcher and
 * agent shares to authenticate probe datagrams. The file holds at least {@value #MIN_BYTES}
 * random bytes as hex or base64 (hex wins when both would parse) and must not be readable or
 * writable by group or others: a key anyone on the host can read authenticates nothing. The
 * TLS material cannot stand in for it: the CA certificate is public and each process's own key
 * differs, so there is no shared secret to derive from. {@link #toString()} never shows the key.
 */
public final class ClusterFileKey {
    public static final int MIN_BYTES = 32;
    private static final long MAX_FILE_BYTES = 4_096;
    private static final Set<PosixFilePermission> PRIVATE = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private final byte[] bytes;

    private ClusterFileKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The key's bytes, a copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** A key from raw bytes (tests, generated demo keys); at least {@value #MIN_BYTES}. */
    public static ClusterFileKey of(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("the key has " + bytes.length + " bytes; at least " + MIN_BYTES
                    + " random bytes are needed");
        }
        return new ClusterFileKey(bytes.clone());
    }

    /** Reads and checks the key file; throws IllegalArgumentException with the reason an operator can act on. */
    public static ClusterFileKey read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(Files.exists(file) ? file + " is not a regular file" : file
                        + ": no such file");
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                if (!PRIVATE.containsAll(mode)) {
                    throw new IllegalArgumentException(file + " is open to group or others ("
                            + PosixFilePermissions.toString(mode) + "); only the daemon's user may read it: chmod 600 "
                            + file);
                }
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_FILE_BYTES
                        + " bytes; a key file holds one key in hex or base64");
            }
            return parse(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": permission denied (the daemon's user must own it)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
    }

    static ClusterFileKey parse(String text, String what) {
        String s = text.replaceAll("\\s+", "");
        byte[] key;
        if (s.matches("([0-9a-fA-F]{2})+")) {
            key = HexFormat.of().parseHex(s);
        } else {
            try {
                key = Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " is neither hex nor base64; write e.g. the output of "
                        + "'openssl rand -hex 32'");
            }
        }
        if (key.length < MIN_BYTES) {
            Arrays.fill(key, (byte) 0);
            throw new IllegalArgumentException(what + " holds " + key.length + " bytes; at least " + MIN_BYTES
                    + " random bytes are needed ('openssl rand -hex 32')");
        }
        return new ClusterFileKey(key);
    }

    @Override
    public String toString() {
        return "ClusterFileKey[" + bytes.length + " bytes, not shown]";
    }
}
