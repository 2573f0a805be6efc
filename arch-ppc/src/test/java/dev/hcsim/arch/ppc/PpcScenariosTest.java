package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.trace.TraceEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The bundled PowerPC scenarios ({@code examples/ppc-*.json}) run and every expectation holds; the same seed gives the same trace. */
class PpcScenariosTest {
    static List<Path> scenarios() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("..", "examples"))) {
            return s.filter(p -> p.getFileName().toString().matches("ppc-.*\\.json")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioPasses() throws IOException {
        List<Path> files = scenarios();
        assertTrue(files.size() >= 3, "at least three ppc scenarios");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s = ScenarioReader.read(f);
            ScenarioRunner.Result r = ScenarioRunner.run(s);
            String failed = r.checks().stream().filter(c -> !c.passed())
                    .map(c -> c.path() + " " + c.description() + " -> " + c.actual()).collect(Collectors.joining("\n"));
            assertTrue(r.passed(), failed);
            ScenarioRunner.Result again = ScenarioRunner.run(ScenarioReader.read(f));
            assertEquals(trace(r), trace(again), "same seed, same trace");
        }));
    }

    private static String trace(ScenarioRunner.Result r) {
        StringBuilder sb = new StringBuilder();
        for (TraceEvent e : r.trace().events()) {
            sb.append(JsonLines.line(e)).append('\n');
        }
        return sb.toString();
    }
}
