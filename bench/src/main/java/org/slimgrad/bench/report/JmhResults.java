package org.slimgrad.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * Reads the JSON that JMH writes with {@code -rf json}: benchmark name, parameters, score, error and unit, and the
 * bytes allocated per operation where the run had JMH's GC profiler.
 */
public final class JmhResults {

    /**
     * One benchmark result; {@code error} is the 99.9% half-interval, NaN when JMH had too few samples;
     * {@code forks} the measurement iterations' scores of each fork (empty where the file has none);
     * {@code allocatedBytes} the heap bytes allocated per operation (JMH's gc.alloc.rate.norm), NaN where the run
     * had no GC profiler.
     */
    public record Result(String benchmark, Map<String, String> params, double score, double error, String unit,
                         List<List<Double>> forks, double allocatedBytes) {

        /** Why the iterations are not steady ({@link Steadiness}); empty when they are. */
        public java.util.Optional<String> unsteady() {
            return Steadiness.problem(forks, score, error);
        }
    }

    /** The GC profiler's bytes allocated per operation. */
    private static final String ALLOCATED = "gc.alloc.rate.norm";

    private JmhResults() {
    }

    /** Every result in {@code file}; a file that is not JMH's JSON raises an error naming it and what is wrong. */
    public static List<Result> read(Path file) {
        JsonElement root;
        try (Reader in = Files.newBufferedReader(file)) {
            root = JsonParser.parseReader(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("report: cannot read JMH results " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("report: " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException("report: " + file + " holds no JMH result array (JMH's -rf json writes"
                    + " one)");
        }
        List<Result> out = new ArrayList<>();
        int index = 0;
        for (JsonElement element : root.getAsJsonArray()) {
            String where = "report: " + file + ", result " + index++;
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            JsonObject o = element.getAsJsonObject();
            String benchmark = string(o, "benchmark", where);
            JsonObject metric = object(o, "primaryMetric", where + " (" + benchmark + ")");
            Map<String, String> params = new LinkedHashMap<>();
            if (o.has("params") && o.get("params").isJsonObject()) {
                for (var p : o.getAsJsonObject("params").entrySet()) {
                    params.put(p.getKey(), p.getValue().getAsString());
                }
            }
            List<List<Double>> forks = new ArrayList<>();
            if (metric.has("rawData") && metric.get("rawData").isJsonArray()) {
                for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                    List<Double> iterations = new ArrayList<>();
                    for (JsonElement value : fork.getAsJsonArray()) {
                        iterations.add(value.getAsDouble());
                    }
                    forks.add(List.copyOf(iterations));
                }
            }
            double allocated = Double.NaN;
            if (o.has("secondaryMetrics") && o.get("secondaryMetrics").isJsonObject()
                    && o.getAsJsonObject("secondaryMetrics").has(ALLOCATED)) {
                allocated = number(o.getAsJsonObject("secondaryMetrics").getAsJsonObject(ALLOCATED), "score",
                        where + " (" + benchmark + ", " + ALLOCATED + ")");
            }
            out.add(new Result(benchmark, params, number(metric, "score", where + " (" + benchmark + ")"),
                    metric.has("scoreError") ? number(metric, "scoreError", where) : Double.NaN,
                    string(metric, "scoreUnit", where + " (" + benchmark + ")"), List.copyOf(forks),
                    allocated));
        }
        return out;
    }

    private static String string(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException(where + " has no " + key);
        }
        return e.getAsString();
    }

    private static JsonObject object(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException(where + " has no " + key);
        }
        return e.getAsJsonObject();
    }

    // JMH writes NaN as the string "NaN"
    private static double number(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException(where + " has no " + key);
        }
        try {
            return e.getAsJsonPrimitive().isNumber() ? e.getAsDouble() : Double.parseDouble(e.getAsString());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(where + ": " + key + " '" + e.getAsString() + "' is not a number");
        }
    }
}
