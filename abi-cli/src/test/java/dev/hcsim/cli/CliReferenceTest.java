package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CliReferenceTest {
    @Test
    @DisplayName("docs/cli.md is what the picocli model prints now (regenerate: java -cp abi-cli/target/hcsim.jar dev.hcsim.cli.CliReference)")
    void fresh() throws Exception {
        assertEquals(CliReference.markdown(), Files.readString(Path.of("../docs/cli.md")), "docs/cli.md is stale");
    }

    @Test
    @DisplayName("the reference has a section for every subcommand, with the options a user reaches for")
    void everyCommand() {
        String md = CliReference.markdown();
        for (String c : new String[] {"call", "asm", "disasm", "run", "explain", "demo", "table"}) {
            assertTrue(md.contains("## hcsim " + c + "\n"), c);
        }
        for (String o : new String[] {"--explain", "--svg", "--html", "--trace", "--format"}) {
            assertTrue(md.contains(o), o);
        }
    }
}
