package dev.simplestreams;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The package rules each main package's package-info.java states, held against the compiled classes: which
 * project packages it may depend on, no cycles between packages, HTTP only in {@code web}, and a catalog model
 * that does no I/O of its own. A new package must be added here, with its rule, before this passes.
 */
@AnalyzeClasses(packages = ArchitectureTest.PROJECT, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    static final String PROJECT = "dev.simplestreams";
    private static final Path MAIN_SOURCES = Path.of("src/main/java/dev/simplestreams");
    /** The package that may use every other one. */
    private static final String WEB = "web";

    /** For every other package, the project packages it may depend on besides itself. */
    private static final Map<String, Set<String>> MAY_DEPEND_ON = Map.ofEntries(
            Map.entry("catalog", Set.of()),
            Map.entry("concurrent", Set.of()),
            Map.entry("config", Set.of()),
            Map.entry("security", Set.of()),
            Map.entry("signing", Set.of()),
            Map.entry("access", Set.of("catalog")),
            Map.entry("store", Set.of("catalog", "concurrent", "config")),
            Map.entry("coordination", Set.of("catalog", "concurrent", "config", "store")),
            Map.entry("audit", Set.of("catalog", "store")),
            Map.entry("delta", Set.of("catalog", "concurrent", "config", "store")),
            Map.entry("indexer", Set.of("audit", "catalog", "concurrent", "coordination", "signing", "store")),
            Map.entry("mirror", Set.of("audit", "catalog", "concurrent", "coordination", "signing", "store")),
            Map.entry("write", Set.of("access", "catalog", "concurrent", "indexer", "store")),
            Map.entry("page", Set.of("catalog")),
            Map.entry("metrics", Set.of("catalog", "delta", "indexer", "mirror", "security", "write")));

    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching(PROJECT + ".(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyWebKnowsHttp = noClasses().that().resideOutsideOfPackages(PROJECT + "." + WEB + "..",
                    PROJECT + ".access..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.apache.catalina..",
                    "org.apache.tomcat..")
            .because("domain code is plain Java, testable on a directory alone; servlets are thin adapters in web");

    @ArchTest
    static final ArchRule accessUsesTomcatOnlyForPasswordHashes = noClasses().that()
            .resideInAPackage(PROJECT + ".access..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.apache.tomcat..")
            .orShould().dependOnClassesThat(resideInAnyPackage("org.apache.catalina..")
                    .and(resideOutsideOfPackage("org.apache.catalina.realm..")))
            .because("access hashes passwords with Tomcat's credential handler, as the realm mode does, and knows no"
                    + " HTTP");

    @ArchTest
    static final ArchRule theCatalogModelDoesNoIoOfItsOwn = noClasses().that().resideInAPackage(PROJECT + ".catalog..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "java.nio.channels..")
            .orShould().dependOnClassesThat().belongToAnyOf(java.io.File.class)
            .because("catalog is pure: it reads and writes only the streams and bytes it is given");

    @ArchTest
    static void everyPackageHasItsRule(JavaClasses classes) {
        Set<String> packages = classes.stream().map(ArchitectureTest::topPackage).collect(Collectors.toCollection(
                TreeSet::new));
        Set<String> ruled = new TreeSet<>(MAY_DEPEND_ON.keySet());
        ruled.add(WEB);
        assertEquals(ruled, packages, "each main package needs its dependency rule here and in its package-info.java");
    }

    @ArchTest
    static void eachPackageDependsOnlyOnWhatItsPackageInfoAllows(JavaClasses classes) {
        MAY_DEPEND_ON.forEach((name, allowed) -> {
            String[] mayUse = allowed.stream().map(p -> PROJECT + "." + p + "..").toArray(String[]::new);
            classes().that().resideInAPackage(PROJECT + "." + name + "..")
                    .should().onlyDependOnClassesThat(resideOutsideOfPackage(PROJECT + "..")
                            .or(resideInAnyPackage(PROJECT + "." + name + ".."))
                            .or(resideInAnyPackage(mayUse)))
                    .because("package-info.java of " + name + " says so")
                    .check(classes);
        });
    }

    @ArchTest
    static void everyPackageSaysWhatLivesThereAndWhatItMayUse(JavaClasses classes) {
        for (String name : classes.stream().map(ArchitectureTest::topPackage).collect(Collectors.toSet())) {
            Path info = MAIN_SOURCES.resolve(name).resolve("package-info.java");
            assertTrue(Files.exists(info), name + " has no package-info.java");
        }
    }

    /** Past this a class is split, or its opening comment says in one line why it is kept whole. */
    private static final int LONG_CLASS_LINES = 300;

    @ArchTest
    static void aLongClassSaysWhyItIsKeptWhole(JavaClasses classes) throws IOException {
        List<String> unexplained = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(MAIN_SOURCES)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                if (lines.size() > LONG_CLASS_LINES
                        && lines.stream().noneMatch(line -> line.contains("Longer than " + LONG_CLASS_LINES + " lines:"))) {
                    unexplained.add(MAIN_SOURCES.relativize(source) + " (" + lines.size() + " lines)");
                }
            }
        }
        assertEquals(List.of(), unexplained, "split these, or say why in their opening comment: \"<p>Longer than "
                + LONG_CLASS_LINES + " lines: ...\"");
    }

    private static String topPackage(JavaClass type) {
        String below = type.getPackageName().substring(PROJECT.length() + 1);
        int dot = below.indexOf('.');
        return dot < 0 ? below : below.substring(0, dot);
    }
}
