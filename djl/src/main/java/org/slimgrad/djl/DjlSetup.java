package org.slimgrad.djl;

/**
 * DJL's settings for a machine without network access: the PyTorch engine's natives come from the
 * {@code pytorch-native-cpu} jar on the classpath, and DJL must not try to download anything.
 */
public final class DjlSetup {

    private DjlSetup() {
    }

    /** Sets DJL's offline property (once, before the engine loads). */
    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }
}
