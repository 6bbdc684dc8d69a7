package graphsc.neo4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.neo4j.batchimport.api.InputIterable;
import org.neo4j.batchimport.api.InputIterator;
import org.neo4j.batchimport.api.input.Collector;
import org.neo4j.batchimport.api.input.IdType;
import org.neo4j.batchimport.api.input.Input;
import org.neo4j.batchimport.api.input.InputChunk;
import org.neo4j.batchimport.api.input.InputEntityVisitor;
import org.neo4j.batchimport.api.input.PropertySizeCalculator;
import org.neo4j.batchimport.api.input.ReadableGroups;
import org.neo4j.internal.schema.SchemaCommand;
import org.neo4j.internal.schema.SchemaDescriptor;
import org.neo4j.internal.schema.SchemaTokens;
import org.neo4j.token.TokenHolders;

/**
 * String arrays that may be empty, which Neo4j's CSV input cannot express: its parser drops an empty array
 * field (no property), while Cypher's {@code SET n.p = []} stores an empty array. graphsc writes such a column as
 * a plain string, {@code MARK} followed by the elements joined with {@code SEPARATOR} ({@code MARK} alone is the
 * empty array), and this {@link Input} turns the named properties back into {@code String[]} on their way to the
 * importer. Only properties named in {@code keys} whose value starts with {@code MARK} are touched.
 */
final class ArrayColumns implements Input {
    static final char MARK = '\u001e';
    static final char SEPARATOR = '\u001f';
    private static final String[] EMPTY = new String[0];

    private final Input input;
    private final Set<String> keys;

    ArrayColumns(Input input, Set<String> keys) {
        this.input = input;
        this.keys = keys;
    }

    static Object decode(Object value) {
        if (!(value instanceof String text) || text.isEmpty() || text.charAt(0) != MARK) return value;
        if (text.length() == 1) return EMPTY;
        List<String> parts = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == SEPARATOR) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        return parts.toArray(EMPTY);
    }

    @Override
    public InputIterable nodes(Collector collector) {
        return wrap(input.nodes(collector));
    }

    @Override
    public InputIterable relationships(Collector collector) {
        return wrap(input.relationships(collector));
    }

    @Override
    public IdType idType() {
        return input.idType();
    }

    @Override
    public ReadableGroups groups() {
        return input.groups();
    }

    @Override
    public Estimates validateAndEstimate(PropertySizeCalculator calculator) throws IOException {
        return input.validateAndEstimate(calculator);
    }

    @Override
    public Map<String, SchemaDescriptor> referencedNodeSchema(TokenHolders tokenHolders) {
        return input.referencedNodeSchema(tokenHolders);
    }

    @Override
    public List<SchemaCommand> schemaCommands() {
        return input.schemaCommands();
    }

    @Override
    public SchemaTokens schemaTokens() {
        return input.schemaTokens();
    }

    @Override
    public void close() {
        input.close();
    }

    private InputIterable wrap(InputIterable iterable) {
        return () -> {
            InputIterator iterator = iterable.iterator();
            return new InputIterator() {
                @Override
                public InputChunk newChunk() {
                    return new Chunk(iterator.newChunk());
                }

                @Override
                public boolean next(InputChunk chunk) throws IOException {
                    return iterator.next(((Chunk) chunk).chunk);
                }

                @Override
                public void close() throws IOException {
                    iterator.close();
                }
            };
        };
    }

    private final class Chunk implements InputChunk {
        final InputChunk chunk;
        private InputEntityVisitor visitor;
        private InputEntityVisitor decoding;

        Chunk(InputChunk chunk) {
            this.chunk = chunk;
        }

        @Override
        public boolean next(InputEntityVisitor target) throws IOException {
            if (target != visitor) {
                visitor = target;
                decoding = new InputEntityVisitor.Delegate(target) {
                    @Override
                    public boolean property(String key, Object value) {
                        return super.property(key, keys.contains(key) ? decode(value) : value);
                    }
                };
            }
            return chunk.next(decoding);
        }

        @Override
        public void close() throws IOException {
            chunk.close();
        }
    }
}
