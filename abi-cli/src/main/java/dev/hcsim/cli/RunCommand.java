package dev.hcsim.cli;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.trace.TraceEvent;
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

/** {@code hcsim run}: runs scenario files; exit 0 when every expectation holds, 1 when one fails, 2 on bad input. */
@Command(name = "run", description = "Run scenario files and check their expectations.")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files = new ArrayList<>();

    @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "write every event as JSON lines")
    Path trace;

    @Option(names = "--format", defaultValue = "text", description = "text (timeline), json (JSON lines on stdout) or tracepoint (lines shaped like the kernel's kvm:kvm_hypercall tracepoint in trace-cmd report)")
    String format;

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

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json") && !format.equals("tracepoint")) {
            throw new IllegalArgumentException("--format must be text, json or tracepoint, got '" + format + "'");
        }
        if (maxSteps < 0 || maxTime < 0) {
            throw new IllegalArgumentException("--max-steps and --max-time-ns must be positive");
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--trace", trace);
        outputs.putAll(pictures.outputs());
        OutputFile.check(files, outputs); // before anything runs: no output may replace an input or another output
        List<Scenario> scenarios = new ArrayList<>();
        for (Path f : files) {
            scenarios.add(ScenarioReader.read(f)); // every file is read before anything runs: bad input gives no partial output
        }
        List<TraceEvent> all = new ArrayList<>();
        boolean ok = true;
        var out = spec.commandLine().getOut();
        List<ScenarioRunner.Result> results = new ArrayList<>();
        try (Progress progress = Progress.onTerminal(out, spec.commandLine().getErr(), scenarios.size())) {
            for (Scenario s : scenarios) {
                progress.begin(s.name());
                ScenarioRunner.Result r = ScenarioRunner.run(s, maxSteps, maxTime);
                results.add(r);
                all.addAll(r.trace().events());
                progress.finish(() -> {
                    ScenarioPrinter.print(r, out, format, !quiet);
                    if (!r.passed()) {
                        spec.commandLine().getErr().println("hcsim: " + s.file() + ": " + r.checks().stream().filter(c -> !c.passed()).count()
                                + " expectation(s) failed");
                    }
                });
                ok &= r.passed();
            }
        }
        if (trace != null) {
            OutputFile.write("--trace", trace, out, w -> JsonLines.write(all, w));
        }
        pictures.write(results, out);
        return ok ? 0 : 1;
    }
}
