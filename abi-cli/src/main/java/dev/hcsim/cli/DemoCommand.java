package dev.hcsim.cli;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hcsim demo}: runs the bundled scenarios of every architecture and prints their timelines. */
@Command(name = "demo", description = "Run the bundled scenarios (examples/*.json) and print one line per scenario (--timelines: every event).")
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", description = "scenario directory (default: $HCSIM_HOME/examples, else the ones bundled in the jar)")
    Path dir;

    @Option(names = "--quiet", description = "print each scenario's expectations instead of the one-line summary")
    boolean quiet;

    @Option(names = "--timelines", description = "print each scenario's full timeline and expectations (as 'hcsim run' does) instead of the one-line summary")
    boolean timelines;

    @Mixin
    TimelineFiles pictures;

    @Override
    public Integer call() throws IOException {
        List<Scenario> scenarios = load();
        OutputFile.check(scenarios.stream().map(s -> Path.of(s.file())).toList(), pictures.outputs());
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("no scenarios found (looked in " + (dir != null ? dir : "$HCSIM_HOME/examples and the jar") + ")");
        }
        var out = spec.commandLine().getOut();
        int failed = 0;
        List<ScenarioRunner.Result> results = new ArrayList<>();
        try (Progress progress = Progress.onTerminal(out, spec.commandLine().getErr(), scenarios.size())) {
            for (Scenario s : scenarios) {
                progress.begin(s.name());
                ScenarioRunner.Result r = ScenarioRunner.run(s);
                results.add(r);
                // A first run should fit on a screen: one line per scenario, the full account only on request or on failure.
                progress.finish(() -> {
                    if (timelines || quiet || !r.passed()) {
                        ScenarioPrinter.print(r, out, "text", timelines || (!quiet && !r.passed()));
                    } else {
                        out.println(summary(r));
                    }
                });
                if (!r.passed()) {
                    failed++;
                }
            }
        }
        pictures.write(results, out);
        if (failed == 0) {
            out.println("demo: every one of the " + scenarios.size() + " scenarios met its expectations");
            if (!timelines) {
                out.println("demo: every event of every scenario: hcsim demo --timelines");
            }
            if (!pictures.any()) {
                out.println("demo: to see them as pictures, run: mkdir -p hcsim-out && hcsim demo --html hcsim-out/demo.html");
            }
            return 0;
        }
        spec.commandLine().getErr().println("hcsim: demo: " + failed + " of " + scenarios.size() + " scenarios did not meet their expectations");
        return 1;
    }

    /** One line: the result, the scenario's name and title, and its file relative to the current directory. */
    static String summary(ScenarioRunner.Result r) {
        Scenario s = r.scenario();
        return String.format(java.util.Locale.ROOT, "%-4s %-38s %s  (%s)", r.passed() ? "ok" : "FAIL", s.name(), s.title(), relative(s.file()));
    }

    /** A scenario file as the user would type it: relative to the current directory when it lies below it. */
    static String relative(String file) {
        if (file.isEmpty()) {
            return file;
        }
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    private List<Scenario> load() throws IOException {
        Path d = dir;
        if (d == null) {
            String home = System.getenv("HCSIM_HOME");
            if (home != null && Files.isDirectory(Path.of(home, "examples"))) {
                d = Path.of(home, "examples");
            }
        }
        List<Scenario> out = new ArrayList<>();
        if (d != null) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException(d + ": not a directory");
            }
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    out.add(ScenarioReader.read(p));
                }
            }
            return out;
        }
        for (String name : bundled()) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/" + name)) {
                if (in != null) {
                    out.add(ScenarioReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name));
                }
            }
        }
        return out;
    }

    /** The scenario resources bundled in this jar (or class directory), sorted. */
    private static List<String> bundled() throws IOException {
        List<String> names = new ArrayList<>();
        try {
            Path src = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(src)) {
                Path ex = src.resolve("examples");
                if (Files.isDirectory(ex)) {
                    try (Stream<Path> s = Files.list(ex)) {
                        s.filter(p -> p.toString().endsWith(".json")).forEach(p -> names.add("examples/" + p.getFileName()));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(src.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("examples/") && n.endsWith(".json")).forEach(names::add);
                }
            }
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        names.sort(null);
        return names;
    }
}
