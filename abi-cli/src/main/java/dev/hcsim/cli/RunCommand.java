package dev.hcsim.cli;

import dev.hcsim.core.Interleave;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.views.TimelineModel;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hcsim run}: runs scenario files; exit 0 when every expectation holds, 1 when one fails, 2 on bad input.
 * Every file is read, checked and built into machines before the first one runs, so bad input leaves no output;
 * the trace streams to its file (and JSON lines to stdout) while the run goes on, so memory stays bounded.
 */
@Command(name = "run", description = "Run scenario files and check their expectations.")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "scenario files; - reads one from standard input")
    List<Path> files = new ArrayList<>();

    @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "write every event as JSON lines (- for stdout)")
    Path trace;

    @Option(names = "--format", defaultValue = "text", description = "text (timeline), json (JSON lines on stdout) or tracepoint (lines shaped like the kernel's kvm:kvm_hypercall tracepoint in trace-cmd report)")
    String format;

    @Option(names = "--final-state", description = "print, instead of the timeline, one JSON document with every vCPU's final registers, "
            + "state and PC and the memory ranges the run changed (format: docs/scenarios.md, \"Final state\")")
    boolean finalState;

    @Option(names = "--quiet", description = "print only the expectations")
    boolean quiet;

    @Mixin
    TimelineFiles pictures;

    @Option(names = "--max-steps", defaultValue = "0", description = "scheduler ticks per VM at most (default: the scenario's maxSteps, "
            + "else 1000000)")
    long maxSteps;

    @Option(names = "--max-time-ns", defaultValue = "0", description = "virtual nanoseconds per VM at most (default: the scenario's "
            + "maxTimeNs, else 1000000000)")
    long maxTime;

    @Option(names = "--max-instructions", defaultValue = "" + ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS,
            description = "guest instructions per VM, all vCPUs together; checked between ticks, so a run ends up to pcpus-1 past it (default: ${DEFAULT-VALUE})")
    long maxInstructions;

    @Option(names = "--max-wall-seconds", defaultValue = "0", description = "stop every run after this many seconds of real time "
            + "(default: no limit; the other budgets already bound a run)")
    long maxWallSeconds;

    @Option(names = "--seed", paramLabel = "SEED", description = "run with this scheduler seed in every VM instead of the scenario's "
            + "(reproduces one seed of a sweep)")
    Long seed;

    @Option(names = "--seeds", paramLabel = "FIRST..LAST", description = "sweep: run the one scenario once per seed, report the seeds "
            + "that missed an expectation and write the trace of the smallest (to --trace, else NAME.seed-N.jsonl if no such file exists)")
    String seeds;

    @Option(names = "--jobs", paramLabel = "N", description = "threads of a sweep (default: every core the JVM sees)")
    Integer jobs;

    @Option(names = "--interleave", paramLabel = "block|instruction", description = "how the physical CPUs of every VM interleave, "
            + "instead of the scenario's \"interleave\": block (the default: a block of instructions per physical CPU and step) or "
            + "instruction (one instruction per physical CPU and tick, for a fine-grained race); the same with one physical CPU")
    String interleave;

    @Override
    public Integer call() {
        if (seeds != null || jobs != null) {
            if (finalState) {
                throw new IllegalArgumentException("--final-state prints one run's final state; with --seeds, run the seed of interest with --seed N");
            }
            return new SweepRun(this).call();
        }
        if (!format.equals("text") && !format.equals("json") && !format.equals("tracepoint")) {
            throw new IllegalArgumentException("--format must be text, json or tracepoint, got '" + Text.excerpt(format) + "'");
        }
        ScenarioRunner.Budget budget = budget();
        if (finalState && !format.equals("text")) {
            throw new IllegalArgumentException("--final-state prints JSON on stdout; it cannot be combined with --format " + format
                    + " (write the trace with --trace FILE)");
        }
        var out = spec.commandLine().getOut();
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--trace", trace);
        outputs.putAll(pictures.outputs());
        OutputFile.check(files, outputs); // before anything runs: no output may replace an input or another output
        // 1. read and check every file, 2. build every machine, 3. run: nothing runs or prints before all files passed
        List<Scenario> scenarios = interleaved(RunLimits.readAll(files, System.in));
        if (seed != null) {
            if (seed < 0) {
                throw new IllegalArgumentException("--seed must be 0 or more, got " + seed);
            }
            scenarios = scenarios.stream().map(s -> s.withSeed(seed)).toList();
        }
        List<Map<String, Machine>> machines = RunLimits.buildAll(scenarios);
        boolean ok = true;
        List<ScenarioRunner.Result> results = new ArrayList<>();
        List<TimelineModel> models = new ArrayList<>();
        FinalState finalOut = finalState ? new FinalState() : null;
        try (OutputFile traceFile = trace == null ? null : OutputFile.open("--trace", trace, out);
                Progress progress = Progress.onTerminal(out, spec.commandLine().getErr(), scenarios.size())) {
            Writer traceOut = traceFile == null ? null : traceFile.writer();
            for (int i = 0; i < scenarios.size(); i++) {
                Scenario s = scenarios.get(i);
                progress.begin(s.name());
                TimelineModel.Recorder pictureRecorder = pictures.any() ? new TimelineModel.Recorder(s) : null;
                TraceSink tap = e -> {
                    if (traceOut != null) {
                        try {
                            JsonLines.write(List.of(e), traceOut);
                        } catch (java.io.UncheckedIOException ex) {
                            throw new java.io.UncheckedIOException(OutputFile.reason(trace, ex.getCause()), ex.getCause());
                        }
                    }
                    if (format.equals("json") && !quiet) {
                        out.println(JsonLines.line(e));
                    }
                    if (pictureRecorder != null) {
                        pictureRecorder.accept(e);
                    }
                };
                var loaded = finalOut == null ? null : FinalState.loaded(machines.get(i));
                ScenarioRunner.Result r = ScenarioRunner.run(s, machines.get(i), budget, format.equals("json") ? 0 : RunLimits.KEPT_EVENTS, tap);
                machines.set(i, null); // a finished scenario's machines are no longer needed: let them go
                results.add(r);
                if (pictureRecorder != null) {
                    models.add(pictureRecorder.model());
                }
                progress.finish(() -> {
                    if (finalOut == null) {
                        ScenarioPrinter.print(r, out, format, !quiet);
                    } else {
                        finalOut.add(r, loaded);
                    }
                    if (!r.passed()) {
                        spec.commandLine().getErr().println("hcsim: " + Text.excerpt(s.file()) + ": " + r.checks().stream().filter(c -> !c.passed())
                                .count() + " expectation(s) failed");
                    }
                });
                ok &= r.passed();
            }
            if (traceFile != null) {
                traceFile.commit();
            }
        }
        if (pictures.any()) {
            pictures.write(results, models, out);
        }
        if (finalOut != null) {
            out.println(finalOut.json());
        }
        return ok ? 0 : 1;
    }

    /** The scenarios with {@code --interleave} applied to every VM, when given (checked before anything runs). */
    List<Scenario> interleaved(List<Scenario> scenarios) {
        if (interleave == null) {
            return scenarios;
        }
        Interleave i;
        try {
            i = Interleave.of(interleave);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--interleave must be block or instruction, got '" + Text.excerpt(interleave) + "'");
        }
        return scenarios.stream().map(s -> s.withInterleave(i)).toList();
    }

    /** The budgets the options give, checked; the wall-clock deadline counts from now. */
    ScenarioRunner.Budget budget() {
        if (maxSteps < 0 || maxTime < 0 || maxWallSeconds < 0 || maxInstructions <= 0) {
            throw new IllegalArgumentException("--max-steps, --max-time-ns and --max-wall-seconds must be 0 or more, --max-instructions 1 or more");
        }
        long deadline = maxWallSeconds == 0 ? Long.MAX_VALUE : System.nanoTime() + Math.min(maxWallSeconds, 1L << 32) * 1_000_000_000L;
        return new ScenarioRunner.Budget(maxSteps, maxTime, maxInstructions, deadline);
    }
}
