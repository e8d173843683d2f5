package org.slimgrad.djl.pretrain;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real text corpus every machine with a JDK has: the Java sources in {@code $JAVA_HOME/lib/src.zip}, as bytes (a
 * byte-level language model's tokens). Files go to validation when the CRC32 of their path is divisible by
 * {@value #VALIDATION_EVERY}, else to training: a split by file, fixed by the names alone. Files are read in path
 * order until each part holds its byte budget, so a run reads the same bytes on every machine with the same JDK.
 */
public final class JdkCorpus {

    /** One file in this many goes to validation. */
    static final int VALIDATION_EVERY = 20;

    private final byte[] train;
    private final byte[] validation;
    private final Path source;
    private final int files;

    private JdkCorpus(Path source, byte[] train, byte[] validation, int files) {
        this.source = source;
        this.train = train;
        this.validation = validation;
        this.files = files;
    }

    /** The running JDK's src.zip. */
    public static Path jdkSources() {
        return Path.of(System.getProperty("java.home"), "lib", "src.zip");
    }

    /** Reads up to {@code trainBytes} of training and {@code validationBytes} of validation text from src.zip. */
    public static JdkCorpus load(Path srcZip, int trainBytes, int validationBytes) throws IOException {
        if (!Files.isRegularFile(srcZip)) {
            throw new IOException("JdkCorpus: " + srcZip + " does not exist; the corpus is the JDK's own src.zip"
                    + " (a JDK, not a JRE, with its sources installed)");
        }
        try (ZipFile zip = new ZipFile(srcZip.toFile())) {
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory() && entry.getName().endsWith(".java")) {
                    entries.add(entry);
                }
            }
            entries.sort(java.util.Comparator.comparing(ZipEntry::getName));
            ByteArrayOutputStream train = new ByteArrayOutputStream();
            ByteArrayOutputStream validation = new ByteArrayOutputStream();
            int files = 0;
            for (ZipEntry entry : entries) {
                ByteArrayOutputStream part = isValidation(entry.getName()) ? validation : train;
                int budget = part == validation ? validationBytes : trainBytes;
                if (part.size() >= budget) {
                    if (train.size() >= trainBytes && validation.size() >= validationBytes) {
                        break;
                    }
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    part.write(in.readAllBytes());
                }
                files++;
            }
            return new JdkCorpus(srcZip, java.util.Arrays.copyOf(train.toByteArray(), Math.min(train.size(),
                    trainBytes)), java.util.Arrays.copyOf(validation.toByteArray(), Math.min(validation.size(),
                    validationBytes)), files);
        }
    }

    static boolean isValidation(String path) {
        CRC32 crc = new CRC32();
        crc.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue() % VALIDATION_EVERY == 0;
    }

    public byte[] train() {
        return train;
    }

    public byte[] validation() {
        return validation;
    }

    public Path source() {
        return source;
    }

    /** Files read, both parts together. */
    public int files() {
        return files;
    }
}
