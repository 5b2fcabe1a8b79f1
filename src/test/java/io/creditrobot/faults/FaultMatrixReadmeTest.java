package io.creditrobot.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * README's fault table is {@link FaultMatrix#markdown()}: the docs say exactly what {@code FaultMatrixIT} proves.
 * After changing a row, {@code ./mvnw test -Dtest=FaultMatrixReadmeTest -Dfault-matrix.write=true} rewrites it.
 */
class FaultMatrixReadmeTest {

    static final String BEGIN = "<!-- fault-matrix:begin (generated from FaultMatrix.java; FaultMatrixReadmeTest checks it) -->\n";
    static final String END = "<!-- fault-matrix:end -->";

    @Test
    void readmeShowsTheFaultMatrixAsTheDataSaysIt() throws IOException {
        Path readme = Path.of("docs", "health.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/health.md lacks the fault-matrix markers");
        String shown = text.substring(begin + BEGIN.length(), end);
        String generated = FaultMatrix.markdown();
        if (Boolean.getBoolean("fault-matrix.write") && !shown.equals(generated)) {
            Files.writeString(readme, text.substring(0, begin + BEGIN.length()) + generated + text.substring(end),
                    StandardCharsets.UTF_8);
            shown = generated;
        }
        assertEquals(generated, shown, "docs/health.md's fault table differs from FaultMatrix.java; rerun this test with "
                + "-Dfault-matrix.write=true to rewrite it");
    }
}
