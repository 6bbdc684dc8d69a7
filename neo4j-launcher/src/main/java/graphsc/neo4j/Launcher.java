package graphsc.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts embedded Neo4j Community with Bolt on 127.0.0.1 and auth off, and runs until stopped.
 *
 * <p>Usage: {@code java -jar neo4j-launcher.jar [HOME_DIR] [PORT]}, or {@code java -jar neo4j-launcher.jar import
 * HOME_DIR DIR} for the offline bulk import (see {@link Importer}). HOME_DIR (default {@code .neo4j/data},
 * or {@code NEO4J_LAUNCHER_HOME}) holds the databases and logs; PORT (default 7687, or
 * {@code NEO4J_LAUNCHER_PORT}) is the Bolt port; {@code NEO4J_LAUNCHER_PAGECACHE_MB} (default 64) sizes the
 * page cache. Prints {@code graphsc-neo4j ready bolt://127.0.0.1:PORT} once the default database is
 * available; SIGTERM/SIGINT shut it down cleanly. Exits 1 if it cannot start.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("import")) {
            System.exit(Importer.run(args)); // offline bulk import into a stopped home (see Importer)
        }
        Path home = Path.of(arg(args, 0, "NEO4J_LAUNCHER_HOME", ".neo4j/data")).toAbsolutePath();
        int port = Integer.parseInt(arg(args, 1, "NEO4J_LAUNCHER_PORT", "7687"));
        long pageCache = ByteUnit.mebiBytes(Long.parseLong(env("NEO4J_LAUNCHER_PAGECACHE_MB", "64")));

        DatabaseManagementService dbms;
        try {
            dbms = start(home, port, pageCache);
        } catch (RuntimeException e) {
            // A failed start (port in use, locked store) leaves non-daemon threads behind: exit explicitly.
            System.err.println("graphsc-neo4j: failed to start at " + home + " on port " + port + ": " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("graphsc-neo4j stopping");
            dbms.shutdown();
            System.out.println("graphsc-neo4j stopped");
            System.out.flush();
            stopped.countDown();
        }, "graphsc-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(60_000)) {
            System.err.println("graphsc-neo4j: database not available within 60 s; see " + home.resolve("logs"));
            System.exit(1);
        }
        System.out.println("graphsc-neo4j ready bolt://127.0.0.1:" + port + " home=" + home);
        System.out.flush();
        stopped.await();
    }

    private static DatabaseManagementService start(Path home, int port, long pageCache) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.udc_enabled, false) // no usage reports sent to neo4j.com
                // Bolt waits 5 s per connector for idle connections on shutdown by default; 1 s is plenty here.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
    }

    private static String arg(String[] args, int index, String envName, String fallback) {
        return args.length > index && !args[index].isBlank() ? args[index] : env(envName, fallback);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
