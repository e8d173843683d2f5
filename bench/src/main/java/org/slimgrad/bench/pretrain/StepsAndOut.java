package org.slimgrad.bench.pretrain;

import java.nio.file.Path;

/** The two options of the djl-pretrain and scale-out jobs: {@code --steps N} and {@code --out DIR} (default report/). */
record StepsAndOut(int steps, Path out) {

    static StepsAndOut parse(String job, String[] args, int defaultSteps) {
        int steps = defaultSteps;
        Path out = Path.of("report");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--steps") && i + 1 < args.length) {
                steps = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException(job + ": unknown argument '" + args[i]
                        + "'; use --steps N, --out DIR");
            }
        }
        return new StepsAndOut(steps, out);
    }
}
