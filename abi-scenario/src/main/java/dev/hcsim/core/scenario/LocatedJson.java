package dev.hcsim.core.scenario;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A JSON tree that remembers where each value stood (line and column), by JSON path, for error messages. */
final class LocatedJson {
    final JsonNode root;
    private final Map<String, long[]> where;
    private final String file;

    private LocatedJson(JsonNode root, Map<String, long[]> where, String file) {
        this.root = root;
        this.where = where;
        this.file = file;
    }

    static LocatedJson parse(String text, String file) {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build();
        Map<String, long[]> where = new HashMap<>();
        JsonParser parser = null;
        try (JsonParser p = f.createParser(text)) {
            parser = p;
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ScenarioException(file + ": empty file; expected a JSON object");
            }
            JsonNode root = read(p, "$", where, file);
            if (p.nextToken() != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new ScenarioException(String.format(Locale.ROOT, "%s:%d:%d: unexpected content after the top-level JSON value", file, l.getLineNr(),
                        l.getColumnNr()));
            }
            return new LocatedJson(root, where, file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // malformed JSON, and the stream limits too (nesting deeper than 64, an over-long name or number): the
            // latter carry no location of their own, so the parser's current one names the line
            JsonLocation l = e.getLocation() != null ? e.getLocation() : parser != null ? parser.currentLocation() : null;
            String msg = e.getOriginalMessage().split("\n")[0];
            throw new ScenarioException(String.format(Locale.ROOT, "%s:%d:%d: %s: %s", file, l == null ? 0 : l.getLineNr(),
                    l == null ? 0 : l.getColumnNr(), e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException ? "over a limit"
                            : "malformed JSON", dev.hcsim.core.trace.SafeText.excerpt(msg)));
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read JSON: " + e.getMessage().split("\n")[0]);
        }
    }

    private static JsonNode read(JsonParser p, String path, Map<String, long[]> where, String file) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        where.put(path, new long[] {l.getLineNr(), l.getColumnNr()});
        JsonNodeFactory nf = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = nf.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path + "." + name;
                    if (o.has(name)) {
                        JsonLocation dl = p.currentTokenLocation();
                        throw new ScenarioException(String.format(Locale.ROOT, "%s:%d:%d: duplicate key '%s' at %s", file, dl.getLineNr(), dl.getColumnNr(), name,
                                path));
                    }
                    p.nextToken();
                    o.set(name, read(p, child, where, file));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = nf.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(read(p, path + "[" + i++ + "]", where, file));
                }
                return a;
            }
            case VALUE_STRING -> {
                return nf.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return nf.numberNode(p.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return nf.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE -> {
                return nf.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return nf.booleanNode(false);
            }
            case VALUE_NULL -> {
                return nf.nullNode();
            }
            default -> throw new ScenarioException("unexpected JSON token " + p.currentToken() + " at " + path);
        }
    }

    /** An error at {@code path}: "file:line:col: message (at path)". */
    ScenarioException error(String path, String message) {
        return new ScenarioException(at(path) + ": " + message + " (at " + path + ")");
    }

    /** "file:line:col" of {@code path}, or of its nearest enclosing value; the file alone when none is known. */
    String at(String path) {
        long[] lc = where.get(path);
        String p = path;
        while (lc == null && (p.contains(".") || p.contains("["))) {
            p = p.substring(0, Math.max(p.lastIndexOf('.'), p.lastIndexOf('[')));
            lc = where.get(p);
        }
        return lc == null ? file : file + ":" + lc[0] + ":" + lc[1];
    }

    String file() {
        return file;
    }
}
