/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Static files: the request-target sanitiser (traversal, escapes, NUL,
 * backslash, dotfiles, extensions), Content-Types, Accept-Encoding, and
 * opening below a real directory with symlinks planted in it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "static_path.h"

#include "../check.h"

static void accept_path(const char *target, const char *want)
{
	char out[STATIC_PATH_MAX + 1];

	if (static_path_from_target(target, out) != 0 || 0 != strcmp(out, want)) {
		(void)fprintf(stderr, "target \"%s\": wanted \"%s\"\n", target, want);
		failures++;
	}
}

static void refuse_path(const char *target)
{
	char out[STATIC_PATH_MAX + 1];

	if (static_path_from_target(target, out) == 0) {
		(void)fprintf(stderr, "target \"%s\" accepted as \"%s\"\n", target, out);
		failures++;
	}
}

static void test_paths(void)
{
	char long_target[STATIC_PATH_MAX + 16];

	accept_path("/", "index.html");
	accept_path("/?lang=ar", "index.html");
	accept_path("/index.html", "index.html");
	accept_path("/js/main.js?v=1", "js/main.js");
	accept_path("/js/crypto/abri.js", "js/crypto/abri.js");
	accept_path("/vendor/libsodium-sumo.mjs", "vendor/libsodium-sumo.mjs");
	accept_path("/i18n/pt-BR.json", "i18n/pt-BR.json");
	accept_path("/fonts/ethiopic_subset.woff2", "fonts/ethiopic_subset.woff2");
	accept_path("/%61pp.css", "app.css"); /* escapes are decoded, then checked */
	accept_path("/a..b.js", "a..b.js");   /* dots inside a name are harmless */

	refuse_path("");
	refuse_path("index.html");          /* not absolute */
	refuse_path("http://x/index.html"); /* absolute-form target */
	refuse_path("/../etc/passwd.txt");
	refuse_path("/js/../../etc/x.js");
	refuse_path("/..");
	refuse_path("/./index.html");
	refuse_path("/%2e%2e/etc/x.js");
	refuse_path("/%2E%2E/etc/x.js");
	refuse_path("/js/%2e%2e/%2e%2e/x.js");
	refuse_path("/%2e%2e%2fx.js");  /* encoded slash: ".." after decoding */
	refuse_path("/js%2f..%2fx.js"); /* decoded to js/../x.js */
	refuse_path("/index.html%00.png");
	refuse_path("/x.js%00");
	refuse_path("/%");
	refuse_path("/%4");
	refuse_path("/%zz.js");
	refuse_path("/js\\main.js");
	refuse_path("/js%5cmain.js");
	refuse_path("//etc/passwd.txt");
	refuse_path("/js//main.js");
	refuse_path("/js/");
	refuse_path("/.env.txt");
	refuse_path("/.git/config.txt");
	refuse_path("/js/.hidden.js");
	refuse_path("/index.html.gz"); /* variants only through Accept-Encoding */
	refuse_path("/index.html.br");
	refuse_path("/build.mjs.map");
	refuse_path("/README");
	refuse_path("/.js");
	refuse_path("/a b.js");
	refuse_path("/a%20b.js");
	refuse_path("/%c3%a9.js");
	refuse_path("/INDEX.HTML"); /* extensions are lower case */
	refuse_path("/a/b/c/d/e/f/g/h/i.js");
	accept_path("/a/b/c/d/e/f/g/h.js", "a/b/c/d/e/f/g/h.js");
	memset(long_target, 'a', sizeof long_target);
	long_target[0] = '/';
	memcpy(long_target + STATIC_PATH_MAX - 2, ".js", 4); /* 254 chars after '/' */
	accept_path(long_target, long_target + 1);
	memcpy(long_target + STATIC_PATH_MAX - 2, "a.js", 5); /* 256 */
	refuse_path(long_target);
}

static void test_types(void)
{
	CHECK(0 == strcmp(static_content_type("index.html"), "text/html; charset=utf-8"));
	CHECK(0 == strcmp(static_content_type("js/main.js"), "text/javascript; charset=utf-8"));
	CHECK(0 == strcmp(static_content_type("v/x.mjs"), "text/javascript; charset=utf-8"));
	CHECK(0 == strcmp(static_content_type("app.css"), "text/css; charset=utf-8"));
	CHECK(0 == strcmp(static_content_type("i18n/fr.json"), "application/json; charset=utf-8"));
	CHECK(0 == strcmp(static_content_type("x.wasm"), "application/wasm"));
	CHECK(0 == strcmp(static_content_type("f.woff2"), "font/woff2"));
	CHECK(0 == strcmp(static_content_type("i.svg"), "image/svg+xml"));
	CHECK(0 == strcmp(static_content_type("i.png"), "image/png"));
	CHECK(0 == strcmp(static_content_type("favicon.ico"), "image/x-icon"));
	CHECK(0 == strcmp(static_content_type("robots.txt"), "text/plain; charset=utf-8"));
	CHECK(static_content_type("x.gz") == NULL);
	CHECK(static_content_type("x.php") == NULL);
	CHECK(static_content_type("js.d/x") == NULL);
	CHECK(static_content_type("html") == NULL);
}

static void test_accept_encoding(void)
{
	CHECK(static_accept_encoding(NULL) == 0);
	CHECK(static_accept_encoding("") == 0);
	CHECK(static_accept_encoding("identity") == 0);
	CHECK(static_accept_encoding("gzip") == STATIC_ENC_GZIP);
	CHECK(static_accept_encoding("br") == STATIC_ENC_BR);
	CHECK(static_accept_encoding("gzip, deflate, br, zstd") ==
	      (STATIC_ENC_GZIP | STATIC_ENC_BR));
	CHECK(static_accept_encoding("GZIP;q=0.5,BR;q=1.0") == (STATIC_ENC_GZIP | STATIC_ENC_BR));
	CHECK(static_accept_encoding("gzip;q=0, br") == STATIC_ENC_BR);
	CHECK(static_accept_encoding("br;q=0.000,gzip") == STATIC_ENC_GZIP);
	CHECK(static_accept_encoding("br; q=0.001") == STATIC_ENC_BR);
	CHECK(static_accept_encoding("x-gzip") == STATIC_ENC_GZIP);
	CHECK(static_accept_encoding("brotli, gzipx, bro") == 0);
	CHECK(static_accept_encoding(",,, ,br") == STATIC_ENC_BR);
	CHECK(static_accept_encoding("*") == 0); /* only what is named */
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static int try_open(int root, const char *path, uint64_t *size)
{
	int fd = static_open(root, path, size);

	if (fd >= 0)
		(void)close(fd);
	return fd >= 0;
}

static void test_open(void)
{
	char dir[] = "/tmp/abri-static.XXXXXX", p[512];
	uint64_t size = 0;
	int root;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
#define AT(rel) ((void)snprintf(p, sizeof p, "%s/%s", dir, rel), p)
	CHECK(mkdir(AT("www"), 0755) == 0 && mkdir(AT("www/js"), 0755) == 0);
	put(AT("secret.txt"), "outside the root");
	put(AT("www/index.html"), "<!doctype html>");
	put(AT("www/js/main.js"), "x");
	CHECK(symlink("../secret.txt", AT("www/escape.txt")) == 0);
	CHECK(symlink("index.html", AT("www/inside.html")) == 0);
	CHECK(symlink("..", AT("www/up")) == 0);
	CHECK(symlink("js", AT("www/linked")) == 0);
	CHECK(mkdir(AT("www/dir.js"), 0755) == 0);
	CHECK(mkfifo(AT("www/fifo.js"), 0644) == 0);
	root = open(AT("www"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0);

	CHECK(try_open(root, "index.html", &size) && size == 15);
	CHECK(try_open(root, "js/main.js", &size) && size == 1);
	CHECK(!try_open(root, "missing.js", &size));
	CHECK(!try_open(root, "escape.txt", &size));  /* symlink out of the root */
	CHECK(!try_open(root, "inside.html", &size)); /* any symlink, even inside */
	CHECK(!try_open(root, "up/secret.txt", &size));
	CHECK(!try_open(root, "linked/main.js", &size));
	CHECK(!try_open(root, "dir.js", &size));
	CHECK(!try_open(root, "fifo.js", &size)); /* and does not hang */
	CHECK(!try_open(root, "index.html/x", &size));
	CHECK(!try_open(root, "", &size));
	CHECK(!try_open(root, "js/", &size));
	(void)close(root);

	(void)snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
#undef AT
}

int main(void)
{
	test_paths();
	test_types();
	test_accept_encoding();
	test_open();
	if (failures != 0)
		(void)fprintf(stderr, "%d failures\n", failures);
	return failures != 0;
}
