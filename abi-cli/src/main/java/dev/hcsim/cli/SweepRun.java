package dev.hcsim.cli;

import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hcsim run FILE --seeds A..B [--jobs N]}: the sweep side of {@link RunCommand}. The report on stdout depends
 * on the scenario and the seeds only (never on N or the machine's speed); the time taken goes to stderr.
 */
final class SweepRun {
    private final RunCommand cmd;

    SweepRun(RunCommand cmd) {
        this.cmd = cmd;
    }

    Integer call() {
        if (cmd.seeds == null) {
            throw new IllegalArgumentException("--jobs is for a sweep: give --seeds FIRST..LAST too");
        }
        if (cmd.seed != null) {
            throw new IllegalArgumentException("--seed runs one seed and --seeds sweeps a range: give one of them");
        }
        SeedSweep.Range range = SeedSweep.Range.parse(cmd.seeds);
        int jobs = cmd.jobs == null ? Runtime.getRuntime().availableProcessors() : cmd.jobs;
        if (jobs < 1 || jobs > 1024) {
            throw new IllegalArgumentException("--jobs must be between 1 and 1024, got " + jobs);
        }
        if (cmd.files.size() != 1) {
            throw new IllegalArgumentException("--seeds sweeps one scenario file; " + cmd.files.size() + " were given");
        }
        if (!cmd.format.equals("text")) {
            throw new IllegalArgumentException("--seeds prints a report, not events: --format " + Text.excerpt(cmd.format)
                    + " does not apply (the smallest failing seed's trace goes to --trace)");
        }
        if (cmd.pictures.any()) {
            throw new IllegalArgumentException("--seeds draws no pictures: run the seed you want with --seed N and --svg/--html/--perfetto");
        }
        ScenarioRunner.Budget budget = cmd.budget();
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--trace", cmd.trace);
        OutputFile.check(cmd.files, outputs);
        Scenario s = cmd.interleaved(RunLimits.readAll(cmd.files, System.in)).get(0);
        PrintWriter out = cmd.spec.commandLine().getOut();
        PrintWriter err = cmd.spec.commandLine().getErr();
        long started = System.nanoTime();
        SeedSweep.Report report;
        try (Progress progress = Progress.onTerminal(out, err, (int) range.count())) {
            progress.begin(s.name() + " seeds " + range);
            report = SeedSweep.run(s, range, jobs, budget, progress::doneSoFar);
        }
        double secs = (System.nanoTime() - started) / 1e9;
        print(s, report, out);
        if (!report.failures().isEmpty()) {
            writeSmallest(s, report.failures().get(0).seed(), budget, out);
        }
        out.flush();
        err.println(String.format(Locale.ROOT, "hcsim: %d seeds in %.2f s, %.0f seeds/s, %d job(s)", range.count(), secs, range.count() / secs,
                Math.min(jobs, range.count())));
        return report.failures().isEmpty() ? 0 : 1;
    }

    /** The report: totals, then each expectation that failed first for some seed, with all those seeds. */
    static void print(Scenario s, SeedSweep.Report r, PrintWriter out) {
        long n = r.range().count();
        out.println("sweep " + s.name() + ": seeds " + r.range() + " (" + n + ")");
        out.println("  " + r.passed() + " of " + n + " seeds met every expectation");
        if (r.failures().isEmpty()) {
            return;
        }
        out.println("  " + r.failures().size() + " seed(s) missed one, by the first expectation missed:");
        for (Map.Entry<String, List<Long>> e : r.byExpectation().entrySet()) {
            out.println("    " + e.getKey() + "  (" + e.getValue().size() + " seed(s))");
            out.println("      seeds: " + SeedSweep.ranges(e.getValue()));
        }
        SeedSweep.Failure first = r.failures().get(0);
        out.println("  smallest failing seed: " + first.seed() + " (" + first.first().path() + " got " + first.first().actual() + ")");
        out.println("  see it: hcsim run " + s.file() + " --seed " + first.seed());
    }

    /**
     * Reruns the smallest failing seed (deterministic: the same run again) with its trace streaming to a file: the
     * file named by {@code --trace} under the CLI's output-file rules, else {@code NAME.seed-N.jsonl} in the current
     * directory, created only when no such file exists (an earlier sweep's trace is never replaced).
     */
    private void writeSmallest(Scenario s, long seed, ScenarioRunner.Budget budget, PrintWriter out) {
        if (cmd.trace != null) {
            try (OutputFile f = OutputFile.open("--trace", cmd.trace, out)) {
                stream(s, seed, budget, f.writer(), cmd.trace);
                f.commit();
            }
            if (!cmd.trace.toString().equals("-")) {
                out.println("  trace of seed " + seed + ": " + cmd.trace);
            }
            return;
        }
        Path p = Path.of(s.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".seed-" + seed + ".jsonl");
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            stream(s, seed, budget, w, p);
        } catch (FileAlreadyExistsException e) {
            out.println("  trace of seed " + seed + ": not written, " + p + " exists (name a file with --trace)");
            return;
        } catch (IOException | UncheckedIOException e) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
            throw new UncheckedIOException(OutputFile.reason(p, io), io);
        }
        out.println("  trace of seed " + seed + ": " + p);
    }

    private static void stream(Scenario s, long seed, ScenarioRunner.Budget budget, Writer w, Path where) {
        SeedSweep.runOne(s, seed, budget, e -> {
            try {
                JsonLines.write(List.of(e), w);
            } catch (UncheckedIOException ex) {
                throw new UncheckedIOException(OutputFile.reason(where, ex.getCause()), ex.getCause());
            }
        });
    }
}
