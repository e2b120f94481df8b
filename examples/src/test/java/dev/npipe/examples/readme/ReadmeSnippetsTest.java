/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
package dev.npipe.examples.readme;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIf;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ```java} block of README.md compiles against this build. A block is a method body (statements), or
 * whole type declarations when it declares a class. Names the README leaves to the reader ({@code MyHandler},
 * {@code MyService}, ...) are declared here as empty handlers or services, so a block only has to be right about
 * our API, Netty's and grpc-java's.
 */
@EnabledIf(value = "hasCompiler",
        disabledReason = "this JVM has no Java compiler (the Win32 suite's jlinked Windows runtime); the Linux JVM's run compiles README's code")
class ReadmeSnippetsTest {
    static boolean hasCompiler() {
        return ToolProvider.getSystemJavaCompiler() != null;
    }

    private static final Pattern BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\bMy[A-Z]\\w*");
    private static final Pattern LEADING_IMPORTS = Pattern.compile("(?:\\s*import (?:static )?[\\w.]+(?:\\.\\*)?;[^\\n]*\\n)+");
    private static final Pattern TYPE_DECLARATION = Pattern.compile("(?m)^\\s*(public |final |abstract )*(class|record|interface|enum) ");
    private static final String IMPORTS = Set.of("io.netty.bootstrap", "io.netty.buffer", "io.netty.channel",
                    "io.netty.handler.codec", "io.netty.util.concurrent", "dev.npipe.transport", "dev.npipe.transport.local",
                    "dev.npipe.codec.message", "java.time", "java.util.concurrent")
            .stream().sorted().map(p -> "import " + p + ".*;\n").collect(Collectors.joining())
            + "import java.util.List;\nimport java.util.Map;\n" + grpcImports();

    @TestFactory
    List<DynamicTest> everyJavaBlockCompiles() throws IOException {
        Path readme = findReadme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        List<DynamicTest> tests = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String code = m.group(1);
            int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            tests.add(DynamicTest.dynamicTest("README.md line " + line, () -> assertCompiles(line, code)));
        }
        assertFalse(tests.isEmpty(), "README.md has no ```java block: the pattern or the README changed");
        return tests;
    }

    private static void assertCompiles(int line, String block) {
        String name = "ReadmeLine" + line;
        // A block may show its imports first (README's do): they go where imports belong.
        Matcher imports = LEADING_IMPORTS.matcher(block);
        String shown = imports.lookingAt() ? imports.group() : "";
        String code = block.substring(shown.length());
        // A block that shows imports compiles with those alone, so a missing one fails here; others get the usual set.
        StringBuilder source = new StringBuilder(shown.isEmpty() ? IMPORTS : shown).append("\nclass ").append(name)
                .append(" {\n");
        for (String placeholder : placeholders(code)) {
            source.append(placeholderDeclaration(placeholder)).append('\n');
        }
        if (TYPE_DECLARATION.matcher(code).find()) {
            source.append(code);
        } else {
            source.append("@SuppressWarnings(\"unused\") void run() throws Exception {\n").append(code).append("\n}");
        }
        source.append("\n}\n");

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "no Java compiler in this JVM (a JRE, not a JDK?)");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out;
        try {
            out = Files.createDirectories(Path.of("target", "readme-snippets"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        boolean ok = compiler.getTask(null, null, diagnostics,
                List.of("-proc:none", "-classpath", classPath, "-d", out.toString()), null,
                List.of(new Source(name, source.toString()))).call();
        assertTrue(ok, () -> "README.md's java block at line " + line + " does not compile:\n"
                + diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> "  " + d.getMessage(null) + "\n    in: " + lineOf(source.toString(), d.getLineNumber()))
                .collect(Collectors.joining("\n")));
    }

    private static Set<String> placeholders(String code) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(code);
        while (m.find()) {
            if (!Pattern.compile("(class|record|interface|enum)\\s+" + m.group() + "\\b").matcher(code).find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** A service when the name says so (and grpc-java is on the class path), else a channel handler. */
    private static String placeholderDeclaration(String name) {
        if (name.endsWith("Service") && !grpcImports().isEmpty()) {
            return "static class " + name + " extends io.grpc.health.v1.HealthGrpc.HealthImplBase {}";
        }
        return "@io.netty.channel.ChannelHandler.Sharable static class " + name
                + " extends io.netty.channel.ChannelInboundHandlerAdapter {}";
    }

    private static String grpcImports() {
        try {
            Class.forName("io.grpc.ManagedChannel");
            // Channel in README means Netty's; io.grpc.* has one too, and a single-type import wins over both.
            return "import io.grpc.*;\nimport io.netty.channel.Channel;\nimport dev.npipe.grpc.*;\nimport dev.npipe.examples.grpc.*;\n"
                    + "import io.grpc.health.v1.HealthCheckResponse.ServingStatus;\n";
        } catch (ClassNotFoundException e) {
            return "";
        }
    }

    private static String lineOf(String source, long number) {
        String[] lines = source.split("\n", -1);
        return number >= 1 && number <= lines.length ? lines[(int) number - 1].strip() : "?";
    }

    private static Path findReadme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("README.md");
            }
        }
        throw new AssertionError("README.md not found above " + Path.of("").toAbsolutePath());
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String name, String code) {
            super(URI.create("string:///" + name + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
