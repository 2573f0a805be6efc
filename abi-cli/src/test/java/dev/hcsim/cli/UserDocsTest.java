package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The user docs must not drift from the code: every Java excerpt marked {@code <!-- excerpt: PATH -->}
 * appears verbatim in that (compiled and tested) file, the scenario reference's example runs and
 * meets its expectations, every relative link points at a file that exists, and the reference names
 * every key the loader accepts.
 */
class UserDocsTest {
    static final Pattern EXCERPT = Pattern.compile("<!-- excerpt: (\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);
    static final Pattern LINK = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");

    static List<Path> pages() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("../docs"))) {
            return s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    @Test
    @DisplayName("every marked Java excerpt in docs/ is verbatim in the file it names (examples/consumer compiles and runs them)")
    void excerptsAreVerbatim() throws IOException {
        int n = 0;
        for (Path p : pages()) {
            Matcher m = EXCERPT.matcher(Files.readString(p));
            while (m.find()) {
                n++;
                String source = Files.readString(Path.of("..", m.group(1)));
                assertTrue(source.contains(m.group(2)), p + ": the excerpt of " + m.group(1) + " is not in that file:\n" + m.group(2));
            }
        }
        assertTrue(n >= 4, "docs/embedding.md quotes the consumer project");
    }

    @Test
    @DisplayName("the complete example of docs/scenarios.md runs and meets its expectations")
    void scenarioReferenceExampleRuns() throws IOException {
        String doc = Files.readString(Path.of("../docs/scenarios.md"));
        int at = doc.indexOf("## A complete example");
        int start = doc.indexOf("```json\n", at) + "```json\n".length();
        String json = doc.substring(start, doc.indexOf("```", start));
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.parse(json, "docs/scenarios.md"));
        assertTrue(r.passed(), r.checks().toString());
        assertEquals(4, r.checks().size());
    }

    @Test
    @DisplayName("the scenario reference names every key the loader accepts")
    void referenceNamesEveryKey() throws Exception {
        String doc = Files.readString(Path.of("../docs/scenarios.md"));
        for (String field : new String[] {"TOP", "VM", "PROGRAM", "DATA", "CPU", "REGION", "EXPECT"}) {
            var f = ScenarioReader.class.getDeclaredField(field);
            f.setAccessible(true);
            for (Object key : (Iterable<?>) f.get(null)) {
                if (!key.equals("vector")) { // accepted and ignored by the loader: not something to teach
                    assertTrue(doc.contains("`" + key + "`"), field + " key '" + key + "' is not in docs/scenarios.md");
                }
            }
        }
    }

    @Test
    @DisplayName("every relative link in docs/*.md and README.md points at a file that exists")
    void linksResolve() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> pages = new ArrayList<>(pages());
        pages.add(Path.of("../README.md"));
        for (Path p : pages) {
            Matcher m = LINK.matcher(Files.readString(p));
            while (m.find()) {
                Path target = p.getParent().resolve(m.group(1)).normalize();
                if (!Files.exists(target)) {
                    broken.add(p + " -> " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), broken);
    }
}
