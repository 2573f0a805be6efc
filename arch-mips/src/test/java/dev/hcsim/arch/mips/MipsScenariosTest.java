package dev.hcsim.arch.mips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The bundled MIPS scenarios meet their expectations, and each run is byte-for-byte repeatable. */
class MipsScenariosTest {
    @TestFactory
    Stream<DynamicTest> bundledScenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            files = s.filter(p -> p.getFileName().toString().startsWith("mips-") && p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "at least three MIPS scenarios are bundled");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.read(f));
            assertTrue(r.passed(), () -> r.checks().stream().filter(c -> !c.passed()).map(c -> c.description() + " (actual " + c.actual() + ")")
                    .toList().toString());
            ScenarioRunner.Result again = ScenarioRunner.run(ScenarioReader.read(f));
            assertEquals(json(r), json(again), "same seed, same trace");
        }));
    }

    @Test
    @DisplayName("mips-paravirt-console-exit: the message reaches console 0 of the VM")
    void consoleOfTheParavirtScenario() {
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.read(Path.of("../examples/mips-paravirt-console-exit.json")));
        assertEquals("hello from vcpu0\n", r.machines().get("pv").vm().archState(MipsVm.class).consoleOutput(0));
    }

    private static String json(ScenarioRunner.Result r) {
        StringWriter w = new StringWriter();
        JsonLines.write(r.trace().events(), w);
        return w.toString();
    }
}
