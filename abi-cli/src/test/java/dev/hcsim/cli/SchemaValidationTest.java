package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real scenarios and real traces against their JSON Schemas, checked by a maintained validator
 * (com.networknt:json-schema-validator, draft 2020-12) rather than by hand: every bundled scenario, and every line of
 * the trace each of them produces, including the {@code "type"} field docs/scenarios.md promises.
 */
class SchemaValidationTest {
    static final Path SCENARIO_SCHEMA = Path.of("../abi-scenario/src/main/resources/dev/hcsim/core/scenario/scenario.schema.json");
    static final Path TRACE_SCHEMA = Path.of("../abi-scenario/src/main/resources/dev/hcsim/core/scenario/trace.schema.json");

    static Schema schema(Path p) throws Exception {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(Files.readString(p), InputFormat.JSON);
    }

    static Stream<Path> scenarios() throws Exception {
        return Files.list(Path.of("../examples")).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @DisplayName("each bundled scenario conforms to scenario.schema.json, and each line of its trace to trace.schema.json")
    void scenarioAndTrace(Path scenario) throws Exception {
        List<Error> scenarioErrors = schema(SCENARIO_SCHEMA).validate(Files.readString(scenario), InputFormat.JSON);
        assertTrue(scenarioErrors.isEmpty(), scenario + ": " + scenarioErrors);
        CliTest.Run r = CliTest.hcsim("run", scenario.toString(), "--format", "json");
        assertTrue(r.code() == 0 || r.code() == 1, r.err());
        Schema trace = schema(TRACE_SCHEMA);
        List<String> bad = new ArrayList<>();
        long traps = 0;
        long sched = 0;
        for (String line : r.out().lines().filter(l -> l.startsWith("{")).toList()) {
            List<Error> errors = trace.validate(line, InputFormat.JSON);
            if (!errors.isEmpty()) {
                bad.add(line + " -> " + errors);
            }
            traps += line.startsWith("{\"type\":\"trap\"") ? 1 : 0;
            sched += line.startsWith("{\"type\":\"sched\"") ? 1 : 0;
        }
        assertTrue(bad.isEmpty(), bad.size() + " trace lines do not conform, e.g. " + bad.stream().limit(3).toList());
        long lines = r.out().lines().filter(l -> l.startsWith("{")).count();
        assertTrue(sched > 0, "the trace has scheduler events");
        assertEquals(lines, traps + sched, "every line is led by its \"type\": trap or sched");
    }

    @Test
    @DisplayName("the schemas reject what they should: a trace line without \"type\", a scheduler event with an unknown event")
    void schemasReject() throws Exception {
        Schema trace = schema(TRACE_SCHEMA);
        assertFalse(trace.validate("{\"time\":0,\"vm\":\"a\",\"vcpu\":0,\"event\":\"run\"}", InputFormat.JSON).isEmpty(), "no type");
        assertFalse(trace.validate("{\"type\":\"sched\",\"time\":0,\"vm\":\"a\",\"vcpu\":0,\"event\":\"dance\"}", InputFormat.JSON).isEmpty());
        assertEquals(List.of(), trace.validate("{\"type\":\"sched\",\"time\":0,\"vm\":\"a\",\"vcpu\":0,\"event\":\"run\",\"pcpu\":1}", InputFormat.JSON));
        assertFalse(schema(SCENARIO_SCHEMA).validate("{\"vms\":\"no\"}", InputFormat.JSON).isEmpty(), "a scenario with vms as a string");
    }
}
