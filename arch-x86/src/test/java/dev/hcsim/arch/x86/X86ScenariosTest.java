package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.JsonLines;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The bundled x86 scenarios meet their expectations, and each run is byte-for-byte repeatable. */
class X86ScenariosTest {
    @TestFactory
    Stream<DynamicTest> bundledScenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            files = s.filter(p -> p.getFileName().toString().startsWith("x86-") && p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 4, "at least four x86 scenarios are bundled");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.read(f));
            assertTrue(r.passed(), () -> r.checks().stream().filter(c -> !c.passed()).map(c -> c.description() + " (actual " + c.actual() + ")")
                    .toList().toString());
            ScenarioRunner.Result again = ScenarioRunner.run(ScenarioReader.read(f));
            assertEquals(json(r), json(again), "same seed, same trace");
        }));
    }

    private static String json(ScenarioRunner.Result r) {
        StringWriter w = new StringWriter();
        JsonLines.write(r.trace().events(), w);
        return w.toString();
    }
}
