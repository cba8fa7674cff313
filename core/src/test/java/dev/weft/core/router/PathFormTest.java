package dev.weft.core.router;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathFormTest {
    @ParameterizedTest
    @ValueSource(strings = {"/", "*", "/admin/", "/a/b", "/a/.b", "/a/..b", "/a/b.", "/a%20b", "/caf%C3%A9", "/a%2",
        "/a%zz", "/a%25", "/100%"})
    void normalPaths(String path) {
        assertNull(PathForm.problem(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"//", "/a//b", "//a", "/.", "/a/.", "/a/..", "/./a", "/../a", "/a/./b", "/a/../b",
        "/%2e%2e/a", "/%61", "/a%7Eb", "/a%2Fb", "/a%2fb", "/a%5Cb", "/a\\b"})
    void otherSpellings(String path) {
        assertNotNull(PathForm.problem(path), path);
    }
}
