package io.flowbundle.pipeline;

import java.io.Serializable;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.UUID;

/**
 * One run of a pipeline: its id (a UUID v7, so ids sort by start time), its mode, and for bounded
 * runs the logical date it is for (null: all the input).
 */
public record RunInfo(String runId, Mode mode, LocalDate logicalDate) implements Serializable {

    /** Bounded (batch) or unbounded (streaming) execution. */
    public enum Mode {
        BATCH,
        STREAMING
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    public static RunInfo start(Mode mode, LocalDate logicalDate) {
        return new RunInfo(uuidV7(System.currentTimeMillis()).toString(), mode, logicalDate);
    }

    public boolean isBatch() {
        return mode == Mode.BATCH;
    }

    /**
     * The first 8 hex digits of the run id after its timestamp: short, unique enough for file
     * names.
     */
    public String shortId() {
        return runId.replace("-", "").substring(12, 20);
    }

    /** RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits. */
    static UUID uuidV7(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16;
        msb |= 0x7000L; // version 7
        msb |= ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long lsb = 0x8000_0000_0000_0000L; // IETF variant
        for (int i = 2; i < 10; i++) {
            lsb |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        lsb = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
