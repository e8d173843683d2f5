package org.slimgrad.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDManager;
import example.user.ModularUser;
import org.junit.jupiter.api.Test;

/**
 * slimgrad as a user on the module path gets it ({@link ModularUser}, in a child JVM): the four library modules
 * resolve from their descriptors, the backends are found as services, a DJL step runs through the adapter, and only
 * the API packages can be reached.
 * The rest of the build runs its tests on the class path, where module boundaries do not hold, so this is the
 * one place that checks them.
 */
class ModulePathTest {

    @Test
    void runsOnTheModulePathAndExportsOnlyTheApi() throws IOException, InterruptedException, URISyntaxException {
        List<String> modulePath = new ArrayList<>();
        for (Class<?> anchor : ModularUser.MODULE_ANCHORS) {
            modulePath.add(location(anchor));
        }
        modulePath.add(location(NDManager.class)); // ai.djl.api, which org.slimgrad.djl requires
        List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> modulePath.stream().noneMatch(m -> Path.of(m).equals(Path.of(entry))))
                .toList();
        Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(launcher.toString(),
                "--enable-native-access=org.slimgrad.nativelib,org.slimgrad.djl,ALL-UNNAMED",
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "org.slimgrad.djl",
                "-cp", String.join(File.pathSeparator, classPath),
                ModularUser.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertEquals(0, child.waitFor(), output);
        assertTrue(output.contains("done"), output);
    }

    private static String location(Class<?> anchor) throws URISyntaxException {
        return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
