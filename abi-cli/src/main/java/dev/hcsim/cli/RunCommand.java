package dev.hcsim.cli;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.JsonLines;
import dev.hcsim.core.trace.TraceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--format", defaultValue = "text", description = "text (timeline) or json (JSON lines on stdout)")
    String format;

    @Option(names = "--quiet", description = "print only the expectations")
    boolean quiet;

    @Option(names = "--max-steps", defaultValue = "0", description = "scheduler ticks per VM at most (default: the scenario's maxSteps, "
            + "else 1000000)")
    long maxSteps;

    @Option(names = "--max-time-ns", defaultValue = "0", description = "virtual nanoseconds per VM at most (default: the scenario's "
            + "maxTimeNs, else 1000000000)")
    long maxTime;

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("--format must be text or json, got '" + format + "'");
        }
        if (maxSteps < 0 || maxTime < 0) {
            throw new IllegalArgumentException("--max-steps and --max-time-ns must be positive");
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (Path f : files) {
            scenarios.add(ScenarioReader.read(f)); // every file is read before anything runs: bad input gives no partial output
        }
        List<TraceEvent> all = new ArrayList<>();
        boolean ok = true;
        var out = spec.commandLine().getOut();
        for (Scenario s : scenarios) {
            ScenarioRunner.Result r = ScenarioRunner.run(s, maxSteps, maxTime);
            all.addAll(r.trace().events());
            ScenarioPrinter.print(r, out, format, !quiet);
            if (!r.passed()) {
                ok = false;
                spec.commandLine().getErr().println("hcsim: " + s.file() + ": " + r.checks().stream().filter(c -> !c.passed()).count()
                        + " expectation(s) failed");
            }
        }
        if (trace != null) {
            writeAtomically(trace, all);
        }
        return ok ? 0 : 1;
    }

    /** Writes to a temporary file beside the target and moves it into place, so no partial file is ever left. */
    static void writeAtomically(Path target, List<TraceEvent> events) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Path tmp = Files.createTempFile(dir, ".hcsim-", ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                JsonLines.write(events, w);
            } catch (IOException | UncheckedIOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
