package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Generated documentation must match the code: docs/abi-table.md is {@code hcsim table}, and the
 * block between {@code <!-- generated: hcsim table --arch NAME -->} and {@code <!-- end generated -->}
 * in docs/arch/NAME.md is {@code hcsim table --arch NAME}. Regenerate with {@code scripts/regen-docs.sh}.
 */
class DocsFreshnessTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- generated: hcsim table --arch (\\S+) -->\\n(.*?)<!-- end generated -->", Pattern.DOTALL);

    @Test
    @DisplayName("docs/abi-table.md is what 'hcsim table' prints now")
    void abiTable() throws IOException {
        String doc = Files.readString(Path.of("../docs/abi-table.md"));
        assertEquals(CliTest.hcsim("table").out(), doc, "docs/abi-table.md is stale: run scripts/regen-docs.sh");
    }

    @Test
    @DisplayName("every generated contract table in docs/arch/*.md is what 'hcsim table --arch NAME' prints now")
    void archPages() throws IOException {
        int blocks = 0;
        try (Stream<Path> s = Files.list(Path.of("../docs/arch"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = BLOCK.matcher(Files.readString(p));
                while (m.find()) {
                    blocks++;
                    assertEquals(CliTest.hcsim("table", "--arch", m.group(1)).out(), m.group(2),
                            p + " has a stale generated table: run scripts/regen-docs.sh");
                }
            }
        }
        assertTrue(blocks >= 1, "at least docs/arch/x86.md carries a generated table");
    }
}
