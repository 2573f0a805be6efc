package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.JsonLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The bundled s390 scenarios in ../examples run and meet their expectations, the same way {@code hcsim demo} runs them. */
class S390ScenariosTest {
    static List<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "examples"))) {
            return files.filter(p -> p.getFileName().toString().matches("s390-.*\\.json")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    @DisplayName("at least three s390 scenarios are bundled")
    void threeOrMore() throws IOException {
        assertTrue(scenarios().size() >= 3, scenarios().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @DisplayName("a bundled scenario passes")
    void passes(Path file) {
        Scenario s = ScenarioReader.read(file);
        ScenarioRunner.Result r = ScenarioRunner.run(s);
        String failed = r.checks().stream().filter(c -> !c.passed()).map(c -> c.path() + " " + c.description() + ": got " + c.actual())
                .collect(Collectors.joining("\n"));
        assertTrue(r.passed(), () -> failed + "\n" + r.trace().events().stream().map(JsonLines::line).collect(Collectors.joining("\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @DisplayName("the same seed gives the same trace, byte for byte")
    void deterministic(Path file) {
        Scenario s = ScenarioReader.read(file);
        String a = ScenarioRunner.run(s).trace().events().stream().map(JsonLines::line).collect(Collectors.joining("\n"));
        String b = ScenarioRunner.run(s).trace().events().stream().map(JsonLines::line).collect(Collectors.joining("\n"));
        assertEquals(a, b);
        assertFalse(a.isEmpty());
    }
}
