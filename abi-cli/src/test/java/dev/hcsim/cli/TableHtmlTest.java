package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hcsim.views.TimelineSvg;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TableHtmlTest {
    @Test
    @DisplayName("table --format html has a row per architecture (with preserved registers) and a row per hypercall of the JSON form")
    void htmlMatchesJson() throws Exception {
        CliTest.Run html = CliTest.hcsim("table", "--format", "html");
        assertEquals(0, html.code(), html.err());
        JsonNode all = new ObjectMapper().readTree(CliTest.hcsim("table", "--format", "json").out());
        int calls = 0;
        for (JsonNode a : all) {
            String arch = a.get("arch").asText();
            assertTrue(html.out().contains("<tr><th><a href=\"#" + arch + "\">" + arch + "</a></th>"), arch);
            assertTrue(html.out().contains("<h2 id=\"" + arch + "\">"), arch);
            String preserved = String.join(", ", new ObjectMapper().convertValue(a.get("contract").get("preservedRegisters"), String[].class));
            assertTrue(html.out().contains("<td>" + TimelineSvg.esc(preserved) + "</td>"), arch + " preserved registers");
            calls += a.get("hypercalls").size();
        }
        int headerRows = 1 + all.size();
        assertEquals(all.size() + calls + headerRows, html.out().split("<tr>", -1).length - 1);
    }

    @Test
    @DisplayName("an unknown table format is bad input naming the three formats")
    void badFormat() {
        CliTest.Run r = CliTest.hcsim("table", "--format", "pdf");
        assertEquals(2, r.code());
        assertEquals("hcsim: --format must be markdown, json or html, got 'pdf'", r.err().strip());
    }
}
