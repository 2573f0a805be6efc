package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hcsim.core.scenario.ScenarioException;
import dev.hcsim.core.scenario.ScenarioReader;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenario JSON Schema (abi-scenario/src/main/resources/dev/hcsim/core/scenario/scenario.schema.json)
 * is for editors; the loader checks the same rules in code (a validator would be a new dependency).
 * These tests keep the two in step: every bundled scenario conforms, the schema's keys are the
 * loader's keys, and what the schema rejects the loader rejects too.
 */
class ScenarioSchemaTest {
    static final Path SCHEMA = Path.of("../abi-scenario/src/main/resources/dev/hcsim/core/scenario/scenario.schema.json");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The keywords {@link Validator} implements; the schema may use no other (so none is silently ignored). */
    static final Set<String> KEYWORDS = Set.of("$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties",
            "additionalProperties", "required", "items", "minItems", "maxItems", "enum", "pattern", "minimum", "maximum", "oneOf", "anyOf", "dependentRequired");

    /** A JSON Schema (2020-12) validator for the keywords above, enough for this one schema. */
    record Validator(JsonNode root) {
        List<String> errors(JsonNode value) {
            List<String> out = new ArrayList<>();
            check(root, value, "$", out);
            return out;
        }

        private void check(JsonNode s, JsonNode v, String path, List<String> out) {
            if (s.has("$ref")) {
                String ref = s.get("$ref").asText();
                check(root.at(ref.substring(1)), v, path, out);
            }
            if (s.has("type")) {
                boolean ok = false;
                for (JsonNode t : s.get("type").isArray() ? s.get("type") : JSON.createArrayNode().add(s.get("type"))) {
                    ok |= hasType(v, t.asText());
                }
                if (!ok) {
                    out.add(path + ": expected " + s.get("type"));
                    return;
                }
            }
            if (s.has("enum")) {
                boolean found = false;
                for (JsonNode e : s.get("enum")) {
                    found |= e.equals(v);
                }
                if (!found) {
                    out.add(path + ": not one of " + s.get("enum"));
                }
            }
            if (s.has("pattern") && v.isTextual() && !Pattern.compile(s.get("pattern").asText()).matcher(v.asText()).find()) {
                out.add(path + ": does not match " + s.get("pattern").asText());
            }
            if (v.isNumber() && s.has("minimum") && v.decimalValue().compareTo(s.get("minimum").decimalValue()) < 0) {
                out.add(path + ": below " + s.get("minimum"));
            }
            if (v.isNumber() && s.has("maximum") && v.decimalValue().compareTo(s.get("maximum").decimalValue()) > 0) {
                out.add(path + ": above " + s.get("maximum"));
            }
            if (v.isObject()) {
                for (JsonNode r : s.path("required")) {
                    if (!v.has(r.asText())) {
                        out.add(path + ": missing " + r.asText());
                    }
                }
                s.path("dependentRequired").fields().forEachRemaining(d -> {
                    if (v.has(d.getKey())) {
                        d.getValue().forEach(r -> {
                            if (!v.has(r.asText())) {
                                out.add(path + ": " + d.getKey() + " needs " + r.asText());
                            }
                        });
                    }
                });
                for (Iterator<String> it = v.fieldNames(); it.hasNext();) {
                    String k = it.next();
                    JsonNode sub = s.path("properties").get(k);
                    if (sub != null) {
                        check(sub, v.get(k), path + "." + k, out);
                    } else if (s.has("additionalProperties")) {
                        JsonNode ap = s.get("additionalProperties");
                        if (ap.isBoolean() && !ap.asBoolean()) {
                            out.add(path + ": unknown key " + k);
                        } else if (ap.isObject()) {
                            check(ap, v.get(k), path + "." + k, out);
                        }
                    }
                }
            }
            if (v.isArray()) {
                if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
                    out.add(path + ": fewer than " + s.get("minItems") + " items");
                }
                if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
                    out.add(path + ": more than " + s.get("maxItems") + " items");
                }
                if (s.has("items")) {
                    for (int i = 0; i < v.size(); i++) {
                        check(s.get("items"), v.get(i), path + "[" + i + "]", out);
                    }
                }
            }
            if (s.has("anyOf") && matching(s.get("anyOf"), v, path) == 0) {
                out.add(path + ": matches none of anyOf");
            }
            if (s.has("oneOf") && matching(s.get("oneOf"), v, path) != 1) {
                out.add(path + ": must match exactly one of oneOf");
            }
        }

        private int matching(JsonNode alternatives, JsonNode v, String path) {
            int n = 0;
            for (JsonNode alt : alternatives) {
                List<String> e = new ArrayList<>();
                check(alt, v, path, e);
                n += e.isEmpty() ? 1 : 0;
            }
            return n;
        }

        private static boolean hasType(JsonNode v, String t) {
            return switch (t) {
                case "object" -> v.isObject();
                case "array" -> v.isArray();
                case "string" -> v.isTextual();
                case "integer" -> v.isIntegralNumber();
                case "number" -> v.isNumber();
                case "boolean" -> v.isBoolean();
                case "null" -> v.isNull();
                default -> throw new IllegalArgumentException("unknown type " + t);
            };
        }
    }

    static Validator validator() throws IOException {
        return new Validator(JSON.readTree(SCHEMA.toFile()));
    }

    static Stream<Path> bundled() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    @DisplayName("every bundled scenario conforms to the schema")
    void bundledScenariosConform(Path file) throws IOException {
        assertEquals(List.of(), validator().errors(JSON.readTree(file.toFile())), file.toString());
    }

    @Test
    @DisplayName("the schema uses only keywords the checking validator implements")
    void schemaUsesKnownKeywords() throws IOException {
        List<String> unknown = new ArrayList<>();
        walk(JSON.readTree(SCHEMA.toFile()), unknown, false);
        assertEquals(List.of(), unknown);
    }

    private static void walk(JsonNode n, List<String> unknown, boolean namesOnly) {
        if (!n.isObject()) {
            if (n.isArray()) {
                n.forEach(x -> walk(x, unknown, false));
            }
            return;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (namesOnly) {
                walk(n.get(k), unknown, false); // a property name or a $defs name, not a keyword
                continue;
            }
            if (!KEYWORDS.contains(k)) {
                unknown.add(k);
            }
            if (k.equals("properties") || k.equals("$defs")) {
                walk(n.get(k), unknown, true);
            } else if (!k.equals("enum") && !k.equals("required") && !k.equals("dependentRequired")) {
                walk(n.get(k), unknown, false);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<String> readerKeys(String field) throws ReflectiveOperationException {
        Field f = ScenarioReader.class.getDeclaredField(field);
        f.setAccessible(true);
        return new TreeSet<>((Set<String>) f.get(null));
    }

    private static Set<String> schemaKeys(String pointer) throws IOException {
        Set<String> keys = new TreeSet<>();
        JSON.readTree(SCHEMA.toFile()).at(pointer).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"TOP, /properties", "VM, /$defs/vm/properties", "PROGRAM, /$defs/vm/properties/programs/items/properties",
        "DATA, /$defs/vm/properties/data/items/properties", "CPU, /$defs/vm/properties/cpus/items/properties",
        "REGION, /$defs/vm/properties/memory/items/properties", "EXPECT, /$defs/expectation/properties"})
    @DisplayName("each object's keys in the schema are exactly the keys ScenarioReader accepts there")
    void keysMatchTheLoader(String readerField, String pointer) throws Exception {
        assertEquals(readerKeys(readerField), schemaKeys(pointer));
    }

    /** A small valid scenario with every kind of object the mutations below reach. */
    static final String BASE = "{\"vm\": {\"arch\": \"x86\", \"vcpus\": 2, \"programs\": [{\"source\": \"hlt\"}],"
            + " \"data\": [{\"at\": \"0x5000\", \"bytes\": \"00\"}], \"cpus\": [{\"vcpu\": 0}]},"
            + " \"expect\": [{\"register\": \"rax\", \"equals\": 0}]}";

    @Test
    @DisplayName("the base of the mutations is valid for both the schema and the loader")
    void baseIsValid() throws Exception {
        assertEquals(List.of(), validator().errors(JSON.readTree(BASE)));
        assertEquals("vm0", ScenarioReader.parse(BASE, "base.json").name());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key|/vm|frobnicate|true",
        "vcpus as a word|/vm|vcpus|\"two\"",
        "too many vCPUs|/vm|vcpus|20000",
        "a state that does not exist|/vm/cpus/0|state|\"sleeping\"",
        "a program without source|/vm/programs/0|source|null",
        "a hex string that is not hex|/vm/data/0|bytes|\"0xzz\"",
        "a number that is not a number|/vm/data/0|at|\"12x\"",
        "both vm and vms|/|vms|[]",
        "a register expectation without equals|/expect/0|equals|null",
        "an expectation of no kind|/expect/0|register|null"})
    @DisplayName("what the schema rejects, the loader rejects too")
    void schemaAndLoaderAgree(String what, String pointer, String key, String value) throws Exception {
        JsonNode doc = JSON.readTree(BASE);
        ObjectNode target = (ObjectNode) (pointer.equals("/") ? doc : doc.at(pointer));
        if (value.equals("null")) {
            target.remove(key);
        } else {
            target.set(key, JSON.readTree(value));
        }
        assertFalse(validator().errors(doc).isEmpty(), what + ": the schema accepts it");
        String text = JSON.writeValueAsString(doc);
        assertThrows(ScenarioException.class, () -> ScenarioReader.parse(text, "mutated.json"), what + ": the loader accepts it");
    }

    @Test
    @DisplayName("the validator itself rejects a wrong type, an unknown key and a missing required key")
    void validatorCatches() throws IOException {
        Validator v = validator();
        assertTrue(v.errors(JSON.readTree("{\"vm\": {\"arch\": \"x86\"}}")).isEmpty());
        assertFalse(v.errors(JSON.readTree("{\"vm\": {}}")).isEmpty(), "arch is required");
        assertFalse(v.errors(JSON.readTree("{\"vm\": {\"arch\": 5}}")).isEmpty(), "arch is a string");
        assertFalse(v.errors(JSON.readTree("{\"vm\": {\"arch\": \"x86\", \"cpus\": 1}}")).isEmpty(), "cpus is an array");
        assertFalse(v.errors(JSON.readTree("{}")).isEmpty(), "vm or vms");
    }
}
