package dev.loggregator.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads a deployment manifest strictly: an unknown key, a wrong type or a bad value stops the
 * component at startup with a message naming the file and the key, because a typo silently
 * falling back to a default is how deployments end up listening on the wrong port.
 */
public final class ManifestLoader {
    private static final ObjectMapper MAPPER = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private ManifestLoader() {
    }

    public static Manifest load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ManifestException(file + ": manifest file not found");
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot read manifest: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses manifest text; {@code source} names it in error messages. */
    public static Manifest parse(String yaml, String source) {
        try {
            Manifest manifest = MAPPER.readValue(yaml, Manifest.class);
            if (manifest == null) {
                throw new ManifestException(source + ": manifest is empty");
            }
            manifest.validate();
            return manifest;
        } catch (UnrecognizedPropertyException e) {
            throw new ManifestException(source + ": unknown key '" + keyPath(e) + "'"
                    + location(e) + "; known keys here: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", ")), e);
        } catch (JsonMappingException e) {
            String key = keyPath(e);
            throw new ManifestException(source + ": "
                    + (key.isEmpty() ? "" : "bad value for key '" + key + "'") + location(e)
                    + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ManifestException(source + ": not valid YAML" + location(e) + ": "
                    + e.getOriginalMessage(), e);
        } catch (InvalidManifestValue e) {
            throw new ManifestException(source + ": bad value for key '" + e.key() + "': " + e.getMessage(), e);
        }
    }

    private static String keyPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            }
        }
        return path.toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
