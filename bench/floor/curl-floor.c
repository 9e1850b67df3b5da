// The libcurl floor for `orderbatch run`: a bare libcurl multi loop that sends N Juspay Update Order
// requests (POST /orders/{order_id}, form body, the headers orderbatch sends) with C transfers in
// flight, and does nothing with the answers but count them. No parsing, no recording, no threads
// besides this one: what any libcurl client pays per request on this machine.
//
// Build: cc -O2 -o curl-floor curl-floor.c -lcurl
// Usage: curl-floor BASE_URL N CONCURRENCY      e.g. curl-floor http://127.0.0.1:18399 100000 64
// Prints: requests <N> ok <2xx count> seconds <wall> requests/s <rate>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct lane {
    CURL *easy;
    struct curl_slist *headers;
    char url[256];
    char body[256];
    char routing[64];
};

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data;
    (void)user;
    return size * count;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// Sets up request `i` on `lane`, in the shape of orderbatch's Juspay client: same URL form, same
// headers in the same order (libcurl's own Accept/Expect suppressed), same body form.
static void prepare(struct lane *lane, const char *base, long i) {
    snprintf(lane->url, sizeof lane->url, "%s/orders/ORD%010ld", base, i);
    snprintf(lane->body, sizeof lane->body, "amount=%ld.%02ld&udf1=reprice&shipping_address_city=%s",
             100 + (i * 7919) % 99999, i % 100, (i % 5 == 0) ? "Bengaluru" : "Mumbai");
    snprintf(lane->routing, sizeof lane->routing, "x-routing-id: cust%06ld", (i * 31) % 100000);
    curl_slist_free_all(lane->headers);
    lane->headers = NULL;
    lane->headers = curl_slist_append(lane->headers, "Authorization: Basic YmVuY2gta2V5Og==");
    lane->headers = curl_slist_append(lane->headers, "x-merchantid: bench");
    lane->headers = curl_slist_append(lane->headers, lane->routing);
    lane->headers = curl_slist_append(lane->headers, "Content-Type: application/x-www-form-urlencoded");
    lane->headers = curl_slist_append(lane->headers, "Accept: application/json");
    lane->headers = curl_slist_append(lane->headers, "Expect:");
    curl_easy_setopt(lane->easy, CURLOPT_URL, lane->url);
    curl_easy_setopt(lane->easy, CURLOPT_HTTPHEADER, lane->headers);
    curl_easy_setopt(lane->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(lane->body));
    curl_easy_setopt(lane->easy, CURLOPT_COPYPOSTFIELDS, lane->body);
    curl_easy_setopt(lane->easy, CURLOPT_USERAGENT, "orderbatch/0.1");
    curl_easy_setopt(lane->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(lane->easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(lane->easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(lane->easy, CURLOPT_PRIVATE, lane);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s BASE_URL N CONCURRENCY\n", argv[0]);
        return 2;
    }
    const char *base = argv[1];
    long total = atol(argv[2]);
    long concurrency = atol(argv[3]);
    if (total < 1 || concurrency < 1) {
        fprintf(stderr, "N and CONCURRENCY must be at least 1\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, concurrency);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, concurrency);
    struct lane *lanes = calloc((size_t)concurrency, sizeof *lanes);
    long started = 0, finished = 0, ok = 0, failed = 0;
    double begin = now();
    for (long l = 0; l < concurrency && started < total; l++) {
        lanes[l].easy = curl_easy_init();
        prepare(&lanes[l], base, ++started);
        curl_multi_add_handle(multi, lanes[l].easy);
    }
    while (finished < total) {
        int running = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int queued;
        while ((msg = curl_multi_info_read(multi, &queued))) {
            if (msg->msg != CURLMSG_DONE) continue;
            struct lane *lane;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&lane);
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result == CURLE_OK && status >= 200 && status < 300) ok++;
            else if (failed++ < 5) fprintf(stderr, "request failed: curl %d, HTTP %ld\n", msg->data.result, status);
            finished++;
            curl_multi_remove_handle(multi, lane->easy);
            if (started < total) {
                prepare(lane, base, ++started);
                curl_multi_add_handle(multi, lane->easy);
            }
        }
        if (finished < total) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    double seconds = now() - begin;
    printf("requests %ld ok %ld seconds %.3f requests/s %.0f\n", total, ok, seconds, (double)total / seconds);
    for (long l = 0; l < concurrency; l++) {
        if (lanes[l].easy) curl_easy_cleanup(lanes[l].easy);
        curl_slist_free_all(lanes[l].headers);
    }
    free(lanes);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return ok == total ? 0 : 1;
}
