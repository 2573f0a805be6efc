package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What Maven Central requires of every published POM (licence, URL, SCM, developers) and what Apache-2.0 asks of the
 * distribution (LICENSE and NOTICE at the root). The modules inherit the parent's metadata, so the parent and the BOM
 * (which has no parent) must carry it and no module may replace the licence. Build facts that need the packaged jars
 * (the shaded jar's merged NOTICE, sources and javadoc jars) are checked by {@code scripts/release-check.sh} in CI.
 */
class ReleaseMetadataTest {

    @Test
    @DisplayName("LICENSE is the Apache License 2.0 text and NOTICE names hcsim")
    void licenceFiles() throws Exception {
        String licence = Files.readString(Path.of("../LICENSE"));
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004")
                && licence.contains("END OF TERMS AND CONDITIONS"), "LICENSE is the full Apache-2.0 text");
        assertTrue(Files.readString(Path.of("../NOTICE")).startsWith("hcsim\n"), "NOTICE starts with the product name");
    }

    @Test
    @DisplayName("the parent POM and the BOM carry licence, url, scm and developers; no module overrides the licence")
    void pomMetadata() throws Exception {
        for (String pom : List.of("../pom.xml", "../hcsim-bom/pom.xml")) {
            Element project = BomTest.pom(pom).getDocumentElement();
            assertEquals("Apache-2.0", BomTest.child(project, "license") == null ? null
                    : BomTest.child((Element) project.getElementsByTagName("license").item(0), "name"), pom);
            assertTrue(BomTest.child(project, "url") != null && BomTest.child(project, "url").startsWith("https://"), pom + " <url>");
            assertNotNull(BomTest.child(project, "scm"), pom + " <scm>");
            assertNotNull(BomTest.child(project, "connection"), pom + " <scm><connection>");
            assertNotNull(BomTest.child(project, "developer"), pom + " <developers>");
        }
        // The parent's URLs are the project's, not one per module: Maven would append the artifactId otherwise.
        Element parent = BomTest.pom("../pom.xml").getDocumentElement();
        assertEquals("false", parent.getAttribute("child.project.url.inherit.append.path"));
        assertEquals("false", ((Element) parent.getElementsByTagName("scm").item(0)).getAttribute("child.scm.url.inherit.append.path"));

        List<String> overriding = new ArrayList<>();
        NodeList modules = parent.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String m = modules.item(i).getTextContent().trim();
            if (m.equals("hcsim-bom")) {
                continue; // no parent: it carries its own metadata, checked above
            }
            Document d = BomTest.pom("../" + m + "/pom.xml");
            if (d.getElementsByTagName("licenses").getLength() > 0) {
                overriding.add(m);
            }
        }
        assertTrue(overriding.isEmpty(), "modules declaring their own <licenses>: " + overriding);
    }

    @Test
    @DisplayName("the build enforces JDK 17+ and Maven 3.8+, and the Maven Wrapper pins a Maven that satisfies it")
    void enforcerAndWrapper() throws Exception {
        String parent = Files.readString(Path.of("../pom.xml"));
        assertTrue(parent.contains("<artifactId>maven-enforcer-plugin</artifactId><version>3.7.0</version>"), "enforcer 3.7.0");
        assertTrue(parent.contains("<requireJavaVersion><version>[17,)</version>"), "Java 17+ rule");
        assertTrue(parent.contains("<requireMavenVersion><version>[3.8,)</version>"), "Maven 3.8+ rule");
        assertTrue(Files.isExecutable(Path.of("../mvnw")), "mvnw is executable");
        String wrapper = Files.readString(Path.of("../.mvn/wrapper/maven-wrapper.properties"));
        assertTrue(wrapper.contains("wrapperVersion=3.3.4"), wrapper);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("apache-maven-(\\d+)\\.(\\d+)\\.\\d+-bin\\.zip").matcher(wrapper);
        assertTrue(m.find(), wrapper);
        int major = Integer.parseInt(m.group(1)), minor = Integer.parseInt(m.group(2));
        assertTrue(major > 3 || (major == 3 && minor >= 8), "the wrapper's Maven satisfies the enforcer rule: " + m.group());
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("JDK 17 or newer and Maven 3.8 or newer"), "README states the minimum versions");
        assertTrue(readme.startsWith("# hcsim\n\n```sh\n./hcsim demo"), "README's first command stays ./hcsim demo");
    }

    @Test
    @DisplayName("the README says which licence and why")
    void readmeLicence() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("## Licence") && readme.contains("Apache License, Version 2.0"), "README licence section");
        assertFalse(readme.contains("TODO"), "README has no TODO");
    }
}
