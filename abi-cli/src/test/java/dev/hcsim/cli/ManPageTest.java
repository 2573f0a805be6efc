package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The man pages under {@code docs/man/} (AsciiDoc with {@code :doctype: manpage}; {@code asciidoctor -b manpage} turns
 * them into troff) are generated from the command model by picocli-codegen, so they list exactly the options the
 * command accepts, the architecture options included. Regenerate with {@code mvn -pl abi-cli test -Dtest=ManPageTest
 * -Dhcsim.regen=true}.
 */
class ManPageTest {
    static Map<String, String> pages() {
        PrintWriter nul = new PrintWriter(Writer.nullWriter());
        CommandLine root = Main.commandLine(new Main(), nul, nul);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("hcsim.adoc", page(root));
        root.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                pages.put("hcsim-" + name + ".adoc", page(sub));
            }
        });
        return pages;
    }

    private static String page(CommandLine cl) {
        StringWriter w = new StringWriter();
        try (PrintWriter pw = new PrintWriter(w)) {
            ManPageGenerator.writeSingleManPage(pw, cl.getCommandSpec());
        }
        return w.toString();
    }

    @Test
    @DisplayName("docs/man/ holds one fresh man page per command, generated from the picocli model")
    void fresh() throws Exception {
        Path dir = Path.of("../docs/man");
        Map<String, String> pages = pages();
        if (Boolean.getBoolean("hcsim.regen")) {
            Files.createDirectories(dir);
            for (var e : pages.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
        }
        for (var e : pages.entrySet()) {
            Path p = dir.resolve(e.getKey());
            assertTrue(Files.exists(p), p + " missing (regenerate: -Dhcsim.regen=true)");
            assertEquals(e.getValue(), Files.readString(p), p + " is stale (regenerate: -Dhcsim.regen=true)");
        }
        try (var s = Files.list(dir)) {
            assertEquals(pages.size(), s.count(), "docs/man has a page for no command");
        }
        assertTrue(pages.get("hcsim-call.adoc").contains("--conduit"), "architecture options are in the call page");
    }
}
