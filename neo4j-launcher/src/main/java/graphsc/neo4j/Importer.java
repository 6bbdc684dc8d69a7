package graphsc.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.neo4j.batchimport.api.Configuration;
import org.neo4j.batchimport.api.input.Collector;
import org.neo4j.batchimport.api.input.Input;
import org.neo4j.configuration.Config;
import org.neo4j.io.fs.FileSystemAbstraction;
import org.neo4j.io.layout.DatabaseLayout;
import org.neo4j.io.pagecache.context.CursorContextFactory;
import org.neo4j.io.pagecache.tracing.PageCacheTracer;
import org.neo4j.logging.InternalLogProvider;
import org.neo4j.logging.internal.LogService;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.scheduler.JobScheduler;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.importer.ImportCommand;
import org.neo4j.io.ByteUnit;
import picocli.CommandLine;

/**
 * The launcher's {@code import} mode: Neo4j's batch importer (the one {@code neo4j-admin database import full}
 * runs, from the neo4j-import-tool artifact) on a stopped launcher home, then the schema and state statements.
 *
 * <p>Usage: {@code java -jar neo4j-launcher.jar import HOME DIR}. DIR holds {@code import.args} (the importer's
 * arguments, one a line: {@code --nodes=...}, {@code --relationships=...}, ...; a line
 * {@code --graphsc-array-keys=a,b} names the string columns that carry {@link ArrayColumns} arrays) and {@code post-import.cypher}
 * (statements separated by lines holding only {@code ;}, each run in its own transaction once the imported
 * database is up). The default database of HOME must be absent or hold no node. Exit codes: 0 done,
 * 2 usage, 3 HOME is in use (a running Neo4j holds it), 4 the database is not empty, 5 the import or the
 * statements failed. Prints {@code graphsc-neo4j imported N nodes, M relationships} at the end.
 */
final class Importer {
    static final int USAGE = 2, IN_USE = 3, NOT_EMPTY = 4, FAILED = 5;

    /** An {@code import.args} line naming the string columns that hold {@link ArrayColumns} arrays (not passed on). */
    static final String ARRAY_KEYS = "--graphsc-array-keys=";

    private Importer() {}

    /** {@code neo4j-admin database import full}, with the named array columns decoded on the way in. */
    @CommandLine.Command(name = "full")
    static final class Full extends ImportCommand.Full {
        private final Set<String> arrayKeys;

        Full(ExecutionContext context, Set<String> arrayKeys) {
            super(context);
            this.arrayKeys = arrayKeys;
        }

        @Override
        protected void doImport(FileSystemAbstraction fs, DatabaseLayout layout, Config config, JobScheduler scheduler,
                InternalLogProvider logProvider, PageCacheTracer tracer, CursorContextFactory contextFactory,
                Configuration configuration, LogService logService, PrintStream out, PrintStream err, boolean verbose,
                Collector collector, MemoryTracker memoryTracker, Input input) throws IOException {
            super.doImport(fs, layout, config, scheduler, logProvider, tracer, contextFactory, configuration,
                    logService, out, err, verbose, collector, memoryTracker, new ArrayColumns(input, arrayKeys));
        }
    }

    static int run(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: java -jar neo4j-launcher.jar import HOME DIR");
            return USAGE;
        }
        Path home = Path.of(args[1]).toAbsolutePath();
        Path dir = Path.of(args[2]).toAbsolutePath();
        List<String> importArgs;
        Set<String> arrayKeys = new HashSet<>();
        List<String> statements;
        try {
            importArgs = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("import.args"), StandardCharsets.UTF_8)) {
                if (line.startsWith(ARRAY_KEYS)) {
                    arrayKeys.addAll(List.of(line.substring(ARRAY_KEYS.length()).split(",")));
                } else if (!line.isBlank()) {
                    importArgs.add(line);
                }
            }
            statements = statements(Files.readString(dir.resolve("post-import.cypher"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            System.err.println("graphsc-neo4j: cannot read the import files in " + dir + ": " + e);
            return USAGE;
        }
        Path database = home.resolve("data").resolve("databases").resolve(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (Files.isDirectory(database)) {
            int checked = checkEmpty(home);
            if (checked != 0) return checked;
        }
        long started = System.nanoTime();
        List<String> full = new ArrayList<>(importArgs);
        full.add("--overwrite-destination=true");
        full.add("--report-file=" + dir.resolve("import.report"));
        full.add(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        int rc;
        try {
            ExecutionContext context = new ExecutionContext(home, home.resolve("conf"));
            rc = new CommandLine(new Full(context, arrayKeys)).execute(full.toArray(String[]::new));
        } catch (RuntimeException e) {
            System.err.println("graphsc-neo4j: the import failed: " + e);
            rc = -1;
        }
        if (rc != 0) {
            // A failed import leaves unusable store files: remove them, so Neo4j starts with an empty database.
            removeDatabase(home);
            System.err.println("graphsc-neo4j: the import failed (exit " + rc + "; run with --verbose in "
                    + dir.resolve("import.args") + " for details); the database is left empty");
            return FAILED;
        }
        System.out.printf("graphsc-neo4j import done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        DatabaseManagementService dbms = embedded(home);
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            for (String statement : statements) {
                db.executeTransactionally(statement);
            }
            db.executeTransactionally("CALL db.awaitIndexes(3600)");
            long nodes = count(db, "MATCH (n) RETURN count(n) AS n");
            long relationships = count(db, "MATCH ()-[r]->() RETURN count(r) AS n");
            System.out.printf("graphsc-neo4j schema and state done in %.1f s%n", (System.nanoTime() - started) / 1e9);
            System.out.println("graphsc-neo4j imported " + nodes + " nodes, " + relationships + " relationships");
        } catch (RuntimeException e) {
            System.err.println("graphsc-neo4j: the imported database failed its schema statements: " + e);
            return FAILED;
        } finally {
            dbms.shutdown();
        }
        return 0;
    }

    private static void removeDatabase(Path home) {
        String name = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;
        for (Path path : List.of(home.resolve("data").resolve("databases").resolve(name),
                home.resolve("data").resolve("transactions").resolve(name))) {
            try (var walk = Files.walk(path)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("graphsc-neo4j: could not remove " + path + ": " + e);
            }
        }
    }

    /** 0 when the default database of {@code home} holds no node, else IN_USE or NOT_EMPTY (said on stderr). */
    private static int checkEmpty(Path home) {
        DatabaseManagementService dbms;
        try {
            dbms = embedded(home);
        } catch (RuntimeException e) {
            System.err.println("graphsc-neo4j: cannot open " + home + " (is a Neo4j running on it? stop it first): " + e);
            return IN_USE;
        }
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(60_000)) {
                System.err.println("graphsc-neo4j: the database in " + home + " did not become available");
                return IN_USE;
            }
            long nodes = count(db, "MATCH (n) RETURN count(n) AS n");
            if (nodes > 0) {
                System.err.println("graphsc-neo4j: the database in " + home + " holds " + nodes + " nodes");
                return NOT_EMPTY;
            }
            return 0;
        } finally {
            dbms.shutdown();
        }
    }

    private static long count(GraphDatabaseService db, String query) {
        return db.executeTransactionally(query, java.util.Map.of(), result -> (Long) result.next().get("n"));
    }

    /** The database service of {@code home} without any connector (nothing listens while it runs). */
    private static DatabaseManagementService embedded(Path home) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(
                        Long.parseLong(System.getenv().getOrDefault("NEO4J_LAUNCHER_PAGECACHE_MB", "256"))))
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();
    }

    /** Statements separated by lines holding only {@code ;}. */
    static List<String> statements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.strip().equals(";")) {
                if (!current.toString().isBlank()) out.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        return out;
    }
}
