package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

import org.slimgrad.Backend;
import org.slimgrad.Bf16;
import org.slimgrad.Matrix;

/**
 * Reads a saved optimizer or projector state field by field. Every refusal is an {@link IllegalArgumentException}
 * that names the owner, the part of the state being read and what was expected against what was found; a stream
 * that ends early says in which part. Nothing here modifies an optimizer: callers parse into fresh objects and
 * install them only once everything has been read and checked.
 */
final class StateReader {

    private final DataInputStream in;
    private final String owner;

    StateReader(InputStream in, String owner) {
        this.in = in instanceof DataInputStream data ? data : new DataInputStream(in);
        this.owner = owner;
    }

    /** Reads and checks a payload of the given format version; returns what installs it. */
    @FunctionalInterface
    interface PayloadReader {
        Runnable read(StateReader data, int version) throws IOException;
    }

    /**
     * Reads what {@link StateWriter#writeChecked} wrote: the magic, a version in [oldest, newest], the payload through
     * {@code reader}, then, for versions from {@code checkedFrom} on (older layouts had none), the payload's CRC32C.
     * Returns the reader's installer only when all of it holds; nothing is installed here.
     */
    static Runnable readChecked(InputStream in, String owner, String magic, int oldest, int newest, int checkedFrom,
                                PayloadReader reader) throws IOException {
        StateReader header = new StateReader(in, owner);
        byte[] expected = magic.getBytes(StandardCharsets.US_ASCII);
        byte[] found = header.readBytes("magic", expected.length);
        if (!Arrays.equals(found, expected)) {
            throw header.refused("magic", "\"" + magic + "\"", Arrays.toString(found));
        }
        int version = header.readInt("format version", oldest, newest);
        CheckedInputStream checked = new CheckedInputStream(in, new CRC32C());
        Runnable install = reader.read(new StateReader(checked, owner), version);
        if (version >= checkedFrom) {
            int saved = header.readInt("checksum");
            int computed = (int) checked.getChecksum().getValue();
            if (saved != computed) {
                throw header.refused("CRC32C checksum of the payload", Integer.toHexString(computed),
                        Integer.toHexString(saved) + " (the state is corrupted)");
            }
        }
        return install;
    }

    /** The underlying stream, for a nested state with a reader of its own. */
    DataInputStream stream() {
        return in;
    }

    int readInt(String part) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw truncated(part);
        }
    }

    long readLong(String part) throws IOException {
        try {
            return in.readLong();
        } catch (EOFException e) {
            throw truncated(part);
        }
    }

    float readFloat(String part) throws IOException {
        try {
            return in.readFloat();
        } catch (EOFException e) {
            throw truncated(part);
        }
    }

    boolean readBoolean(String part) throws IOException {
        int value = in.read();
        if (value < 0) {
            throw truncated(part);
        }
        if (value > 1) {
            throw refused(part, "a boolean byte 0 or 1", Integer.toString(value));
        }
        return value == 1;
    }

    String readUTF(String part) throws IOException {
        try {
            return in.readUTF();
        } catch (EOFException e) {
            throw truncated(part);
        } catch (UTFDataFormatException e) {
            throw refused(part, "a UTF-8 string", "malformed bytes");
        }
    }

    byte[] readBytes(String part, int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length != count) {
            throw truncated(part);
        }
        return bytes;
    }

    /** Reads an int that must equal {@code expected}. */
    int expectInt(String part, int expected) throws IOException {
        int found = readInt(part);
        if (found != expected) {
            throw refused(part, Integer.toString(expected), Integer.toString(found));
        }
        return found;
    }

    /** Reads an int in [low, high]. */
    int readInt(String part, int low, int high) throws IOException {
        int found = readInt(part);
        if (found < low || found > high) {
            throw refused(part, "a value in [" + low + ", " + high + "]", Integer.toString(found));
        }
        return found;
    }

    /** Reads a long in [low, high]. */
    long readLong(String part, long low, long high) throws IOException {
        long found = readLong(part);
        if (found < low || found > high) {
            throw refused(part, "a value in [" + low + ", " + high + "]", Long.toString(found));
        }
        return found;
    }

    /**
     * Reads a matrix written by {@link StateWriter#writeMatrix}: its shape, which must be {@code rows × cols}, then
     * each element's 32 bits row by row. With {@code finite}, every element must be a finite float.
     */
    int[] readMatrixBits(String part, int rows, int cols, boolean finite) throws IOException {
        int savedRows = readInt(part + " rows");
        int savedCols = readInt(part + " cols");
        if (savedRows != rows || savedCols != cols) {
            throw refused(part + " shape", rows + "x" + cols, savedRows + "x" + savedCols);
        }
        int[] bits = new int[Math.multiplyExact(rows, cols)];
        for (int e = 0; e < bits.length; e++) {
            bits[e] = readInt(part);
            if (finite && !Float.isFinite(Float.intBitsToFloat(bits[e]))) {
                throw refused(part + " element (" + e / cols + ", " + e % cols + ")", "a finite value",
                        Float.toString(Float.intBitsToFloat(bits[e])));
            }
        }
        return bits;
    }

    /**
     * Writes bits read by {@link #readMatrixBits} into {@code into}, a matrix of {@code backend} with their shape (a
     * device matrix through a host copy, {@link Backend#copyFromHost}).
     */
    static void install(int[] bits, Backend backend, Matrix into) {
        boolean host = into.domain().isHost();
        Matrix staged = host ? into : Matrix.wrap(new float[bits.length], into.rows(), into.cols());
        int cols = into.cols();
        for (int e = 0; e < bits.length; e++) {
            Bf16.setWord(staged, e / cols, e % cols, bits[e]);
        }
        if (!host) {
            backend.copyFromHost(staged, into);
        }
    }

    /** A refusal naming the part, what was expected and what was found. */
    IllegalArgumentException refused(String part, String expected, String found) {
        return new IllegalArgumentException(owner + ".load: " + part + ": expected " + expected + ", found " + found
                + "; the state was not loaded");
    }

    private IllegalArgumentException truncated(String part) {
        return new IllegalArgumentException(owner + ".load: the state ends inside " + part
                + " (truncated stream); the state was not loaded");
    }
}
