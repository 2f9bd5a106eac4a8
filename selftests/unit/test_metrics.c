// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of user/daemon/metrics.c: the Prometheus text (names, label escaping,
 * HELP and TYPE once per family and before its samples, counters ending in
 * _total), the engine's and the guard's families with their values, the
 * parent's chunks put together, the HTTP request head parser, the HTTP
 * server over a real loopback socket, and the config's metrics block.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "config.h"
#include "metrics.h"

static int has_line(const struct mbuf *b, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = b->p; p && (p = strstr(p, line)); p++)
		if ((p == b->p || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/*
 * The exposition rules a parser relies on: every sample's family was
 * declared by HELP and TYPE just before its first sample, no family is
 * declared twice or has samples apart, and counters end in _total.
 * Returns the number of families, or -1 (with the line in *bad).
 */
static int check_format(const struct mbuf *b, char *bad, size_t badlen)
{
	char fam[64][96], cur[96] = "", help[96] = "";
	int nfam = 0;
	const char *p = b->p;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char line[512], name[96], type[32];
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (nl ? 1 : 0);
		snprintf(bad, badlen, "%s", line);
		if (sscanf(line, "# HELP %95s", name) == 1) {
			snprintf(help, sizeof(help), "%s", name);
			continue;
		}
		if (sscanf(line, "# TYPE %95s %31s", name, type) == 2) {
			if (strcmp(name, help))
				return -1; /* TYPE without its HELP */
			for (int i = 0; i < nfam; i++)
				if (!strcmp(fam[i], name))
					return -1; /* declared twice */
			if (!strcmp(type, "counter") &&
			    (strlen(name) < 6 ||
			     strcmp(name + strlen(name) - 6, "_total")))
				return -1;
			if (nfam == 64)
				return -1;
			snprintf(fam[nfam++], sizeof(fam[0]), "%s", name);
			snprintf(cur, sizeof(cur), "%s", name);
			continue;
		}
		n = strcspn(line, "{ ");
		if (!n || n != strlen(cur) || strncmp(line, cur, n))
			return -1; /* a sample outside its family */
	}
	return nfam;
}

static void test_escape(void)
{
	struct mbuf b = {0};
	const char *l[] = {"a", "x\\y\"z\nw", "b", "plain", NULL};

	metrics_label_escape(&b, "back\\slash \"quoted\"\nnext");
	CU_ASSERT_STRING_EQUAL(b.p, "back\\\\slash \\\"quoted\\\"\\nnext");
	b.len = 0;
	metrics_sample(&b, "m_total", l, 42);
	CU_ASSERT_STRING_EQUAL(
		b.p, "m_total{a=\"x\\\\y\\\"z\\nw\",b=\"plain\"} 42\n");
	b.len = 0;
	metrics_sample(&b, "g", NULL, 18446744073709551615ull);
	CU_ASSERT_STRING_EQUAL(b.p, "g 18446744073709551615\n");
	b.len = 0;
	metrics_family(&b, "g", "gauge", "A gauge");
	CU_ASSERT_STRING_EQUAL(b.p, "# HELP g A gauge\n# TYPE g gauge\n");
	mbuf_free(&b);
}

static void test_mbuf_limit(void)
{
	struct mbuf b = {.max = 10};

	mbuf_printf(&b, "%s", "12345");
	CU_ASSERT_FALSE(b.failed);
	mbuf_printf(&b, "%s", "678901");
	CU_ASSERT_TRUE(b.failed);
	CU_ASSERT_EQUAL(b.len, 5);
	mbuf_add(&b, "x", 1);
	CU_ASSERT_EQUAL(b.len, 5);
	mbuf_free(&b);
}

static void fill_neighbors(struct metrics_neighbor nb[2])
{
	memset(nb, 0, 2 * sizeof(*nb));
	snprintf(nb[0].address, sizeof(nb[0].address), "192.0.2.2");
	nb[0].peer_as = 65002;
	nb[0].si.state = SESS_ESTABLISHED;
	nb[0].si.uptime_s = 77;
	nb[0].si.msgs_in = 10;
	nb[0].si.msgs_out = 11;
	nb[0].si.prefixes_in = 3;
	nb[0].si.prefixes_out = 4;
	nb[0].si.filtered_in = 5;
	nb[0].si.refused_out = 6;
	nb[0].si.routes_api = 2;
	snprintf(nb[1].address, sizeof(nb[1].address), "2001:db8::2");
	nb[1].peer_as = 65003;
	nb[1].si.state = SESS_ACTIVE;
	nb[1].si.max_prefix_hit = 1;
}

static void test_engine_text(void)
{
	struct metrics_neighbor nb[2];
	struct metrics_engine m = {.version = "0.1",
				   .uptime_s = 99,
				   .config_generation = 3,
				   .control_refused = 1,
				   .api_processes = 2,
				   .api_commands = 20,
				   .api_errors = 4,
				   .api_rate_limited = 7};
	struct mbuf b = {0};
	char bad[512];

	fill_neighbors(nb);
	m.nb = nb;
	m.nnb = 2;
	metrics_engine_text(&b, &m);
	CU_ASSERT_FALSE(b.failed);
	CU_ASSERT_EQUAL(check_format(&b, bad, sizeof(bad)), 21);
	CU_ASSERT(has_line(&b, "bgpshield_build_info{version=\"0.1\"} 1"));
	CU_ASSERT(has_line(&b, "bgpshield_engine_uptime_seconds 99"));
	CU_ASSERT(has_line(&b, "bgpshield_api_commands_total 20"));
	CU_ASSERT(has_line(&b, "bgpshield_api_errors_total 4"));
	CU_ASSERT(has_line(&b, "bgpshield_api_rate_limited_total 7"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_up{neighbor=\"192.0.2.2\","
			       "peer_as=\"65002\"} 1"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_up{neighbor=\"2001:db8::2\","
			       "peer_as=\"65003\"} 0"));
	CU_ASSERT(has_line(&b,
			   "bgpshield_neighbor_state{neighbor=\"192.0.2.2\","
			   "state=\"established\"} 1"));
	CU_ASSERT(has_line(&b,
			   "bgpshield_neighbor_state{neighbor=\"192.0.2.2\","
			   "state=\"idle\"} 0"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_state{neighbor="
			       "\"2001:db8::2\",state=\"active\"} 1"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_uptime_seconds{neighbor="
			       "\"192.0.2.2\"} 77"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_messages_received_total{"
			       "neighbor=\"192.0.2.2\"} 10"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_messages_sent_total{"
			       "neighbor=\"192.0.2.2\"} 11"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_prefixes_received{"
			       "neighbor=\"192.0.2.2\"} 3"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_prefixes_sent{"
			       "neighbor=\"192.0.2.2\"} 4"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_prefixes_filtered_total{"
			       "neighbor=\"192.0.2.2\"} 5"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_announcements_refused_total{"
			       "neighbor=\"192.0.2.2\"} 6"));
	CU_ASSERT(has_line(&b, "bgpshield_neighbor_max_prefix_exceeded{"
			       "neighbor=\"2001:db8::2\"} 1"));
	/* one-hot: exactly one state is 1 per neighbor */
	{
		int ones = 0;

		for (const char *p = b.p;
		     (p = strstr(p, "bgpshield_neighbor_state{")); p++)
			ones += !strncmp(strchr(p, '}'), "} 1\n", 4);
		CU_ASSERT_EQUAL(ones, 2);
	}
	mbuf_free(&b);
}

static void test_guard_text(void)
{
	struct metrics_peer peers[2];
	struct guard_iface_status ifs[2];
	struct metrics_guard g = {0};
	struct bgps_fs_rule flows[2];
	struct mbuf b = {0};
	char err[64], bad[512];

	memset(peers, 0, sizeof(peers));
	memset(ifs, 0, sizeof(ifs));
	CU_ASSERT_EQUAL_FATAL(
		prefix_parse("192.0.2.2", &peers[0].rule.pfx, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL_FATAL(prefix_parse("203.0.113.0/24", &peers[1].rule.pfx,
					   err, sizeof(err)),
			      0);
	peers[0].v.packets = 100;
	peers[0].v.bytes = 6400;
	peers[0].v.drop_ttl = 3;
	peers[0].v.drop_syn = 5;
	/* bound to its interface, its MAC not learned yet; the range
	 * binds nothing */
	peers[0].v.policy.flags = BGPS_PF_GTSM | BGPS_PF_IFACE |
				  BGPS_PF_IFACE_WANT | BGPS_PF_MAC_WANT;
	snprintf(ifs[0].name, sizeof(ifs[0].name), "veth-a");
	ifs[0].live_mode = BGPS_ATTACH_NATIVE;
	snprintf(ifs[1].name, sizeof(ifs[1].name), "eth1");
	ifs[1].live_mode = -1;
	g.stats.total = 1000;
	g.stats.guarded = 500;
	g.stats.passed = 400;
	g.stats.not_allowed = 90;
	g.stats.ttl = 3;
	g.stats.syn_rate = 5;
	g.stats.malformed = 2;
	g.settings.mode = BGPS_MODE_ENFORCE;
	g.peers = peers;
	g.npeers = 2;
	g.ifaces = ifs;
	g.nifaces = 2;
	g.bind_mac_changes = 2;
	g.bind_rebinds = 1;
	g.bind_failures = 4;
	memset(flows, 0, sizeof(flows));
	flows[0].id = 0;
	flows[0].action = BGPS_FSA_DROP;
	flows[0].matched_packets = 7;
	flows[0].dropped_packets = 7;
	flows[0].dropped_bytes = 448;
	flows[1].id = 1;
	flows[1].action = BGPS_FSA_RATE_PKTS;
	flows[1].matched_bytes = 640;
	g.flows = flows;
	g.nflows = 2;
	metrics_guard_text(&b, &g);
	/* 21 guard families, 5 flowspec ones */
	CU_ASSERT_EQUAL(check_format(&b, bad, sizeof(bad)), 26);
	CU_ASSERT(has_line(&b, "bgpshield_flowspec_rules 2"));
	CU_ASSERT(has_line(&b, "bgpshield_flowspec_dropped_packets_total{rule=\"0\",action=\"discard\"} 7"));
	CU_ASSERT(has_line(&b, "bgpshield_flowspec_dropped_bytes_total{rule=\"0\",action=\"discard\"} 448"));
	CU_ASSERT(has_line(&b, "bgpshield_flowspec_matched_bytes_total{rule=\"1\",action=\"rate-packets\"} 640"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_up 1"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_policy_enforce 1"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_port 179"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_packets_total{reason=\"pass\"} "
			       "400"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_dropped_packets_total{reason="
			       "\"not_allowed\"} 90"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_dropped_packets_total{reason="
			       "\"ttl\"} 3"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_dropped_packets_total{reason="
			       "\"syn_rate\"} 5"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_dropped_packets_total{reason="
			       "\"malformed\"} 2"));
	CU_ASSERT_PTR_NULL(
		strstr(b.p, "dropped_packets_total{reason=\"pass\""));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_packets_total{source="
			       "\"192.0.2.2\"} 100"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_bytes_total{source="
			       "\"192.0.2.2\"} 6400"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_dropped_total{source="
			       "\"192.0.2.2\",reason=\"ttl\"} 3"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_dropped_total{source="
			       "\"192.0.2.2\",reason=\"syn_rate\"} 5"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_packets_total{source="
			       "\"203.0.113.0/24\"} 0"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_interface_attached{interface="
			       "\"veth-a\",mode=\"native\"} 1"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_bound{source="
			       "\"192.0.2.2\",binding=\"interface\"} 1"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_peer_bound{source="
			       "\"192.0.2.2\",binding=\"mac\"} 0"));
	CU_ASSERT_PTR_NULL(strstr(b.p, "bgpshield_guard_peer_bound{source="
				       "\"203.0.113.0/24\""));
	CU_ASSERT(has_line(&b, "bgpshield_guard_mac_changes_total 2"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_rebinds_total 1"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_bind_failures_total 4"));
	CU_ASSERT(has_line(&b, "bgpshield_guard_interface_attached{interface="
			       "\"eth1\",mode=\"none\"} 0"));
	/* monitor */
	b.len = 0;
	g.settings.mode = BGPS_MODE_MONITOR;
	metrics_guard_text(&b, &g);
	CU_ASSERT(has_line(&b, "bgpshield_guard_policy_enforce 0"));
	/* unreadable maps: only that (and the audit log's errors, which
	 * are the parent's own) */
	b.len = 0;
	g.status = -5;
	g.audit_errors = 3;
	metrics_guard_text(&b, &g);
	CU_ASSERT_STRING_EQUAL(b.p, "# HELP bgpshield_audit_write_errors_total "
				    "Audit log lines the parent could not "
				    "write (disk full...)\n"
				    "# TYPE bgpshield_audit_write_errors_total "
				    "counter\n"
				    "bgpshield_audit_write_errors_total 3\n"
				    "# HELP bgpshield_guard_up 1 when the "
				    "parent could read the guard's maps\n"
				    "# TYPE bgpshield_guard_up gauge\n"
				    "bgpshield_guard_up 0\n");
	mbuf_free(&b);
}

/* The engine's and the guard's parts together still declare each family
 * once (the engine appends the parent's text to its own). */
static void test_whole_text(void)
{
	struct metrics_neighbor nb[2];
	struct metrics_engine m = {.version = "v\"1"};
	struct metrics_guard g = {0};
	struct mbuf b = {0};
	char bad[512];

	fill_neighbors(nb);
	m.nb = nb;
	m.nnb = 2;
	metrics_engine_text(&b, &m);
	metrics_guard_text(&b, &g);
	CU_ASSERT_EQUAL(check_format(&b, bad, sizeof(bad)), 21 + 26);
	CU_ASSERT(has_line(&b, "bgpshield_build_info{version=\"v\\\"1\"} 1"));
	mbuf_free(&b);
}

static void test_collect(void)
{
	struct mbuf *out = NULL;

	CU_ASSERT_EQUAL(metrics_collect(5, 0, "x", 1, &out), -1);
	metrics_collect_start(5);
	metrics_collect_start(6);
	CU_ASSERT_EQUAL(metrics_collect(5, 1, "a 1\n", 4, &out), 0);
	CU_ASSERT_EQUAL(metrics_collect(6, 0, "", 0, &out), 1);
	CU_ASSERT_EQUAL(out->len, 0);
	metrics_collect_done(6);
	CU_ASSERT_EQUAL(metrics_collect(5, 0, "b 2\n", 4, &out), 1);
	CU_ASSERT_STRING_EQUAL(out->p, "a 1\nb 2\n");
	metrics_collect_done(5);
	CU_ASSERT_EQUAL(metrics_collect(5, 0, "x", 1, &out), -1);
	/* more requests than slots: the oldest is given up */
	for (uint32_t id = 100; id < 100 + 60; id++)
		metrics_collect_start(id);
	CU_ASSERT_EQUAL(metrics_collect(100, 1, "x", 1, &out), -1);
	CU_ASSERT_EQUAL(metrics_collect(159, 1, "x", 1, &out), 0);
	for (uint32_t id = 100; id < 100 + 60; id++)
		metrics_collect_done(id);
}

static int parse(const char *s, int *head)
{
	return metrics_http_parse(s, strlen(s), head);
}

static void test_http_parse(void)
{
	char big[METRICS_HTTP_HEAD_MAX];
	int head;

	CU_ASSERT_EQUAL(
		parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &head), 200);
	CU_ASSERT_EQUAL(head, 0);
	CU_ASSERT_EQUAL(parse("GET /metrics HTTP/1.0\n\n", &head), 200);
	CU_ASSERT_EQUAL(parse("GET /metrics?x=1 HTTP/1.1\r\n\r\n", &head), 200);
	CU_ASSERT_EQUAL(parse("HEAD /metrics HTTP/1.1\r\n\r\n", &head), 200);
	CU_ASSERT_EQUAL(head, 1);
	/* incomplete */
	CU_ASSERT_EQUAL(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", &head),
			0);
	CU_ASSERT_EQUAL(parse("", &head), 0);
	CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\n\r\n", &head), 404);
	CU_ASSERT_EQUAL(parse("GET /metricsx HTTP/1.1\r\n\r\n", &head), 404);
	CU_ASSERT_EQUAL(parse("GET /metric HTTP/1.1\r\n\r\n", &head), 404);
	CU_ASSERT_EQUAL(parse("POST /metrics HTTP/1.1\r\n\r\n", &head), 405);
	CU_ASSERT_EQUAL(parse("GET /metrics HTTP/2.0\r\n\r\n", &head), 505);
	CU_ASSERT_EQUAL(parse("GET /metrics FTP/1.0\r\n\r\n", &head), 400);
	CU_ASSERT_EQUAL(parse("GET /metrics\r\n\r\n", &head), 400);
	CU_ASSERT_EQUAL(parse("GET  /metrics HTTP/1.1\r\n\r\n", &head), 400);
	CU_ASSERT_EQUAL(parse("GET /met\x01rics HTTP/1.1\r\n\r\n", &head), 400);
	CU_ASSERT_EQUAL(parse("\r\n\r\n", &head), 400);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	CU_ASSERT_EQUAL(metrics_http_parse(big, sizeof(big), &head), 431);
	CU_ASSERT_EQUAL(metrics_http_parse(big, sizeof(big) - 1, &head), 0);
}

/* --- the HTTP server over loopback --------------------------------------- */

static uint32_t asked;
static int ask_fail;

static int t_request(void *arg, uint32_t *id)
{
	(void)arg;
	if (ask_fail)
		return -1;
	*id = ++asked;
	return 0;
}

static void t_build(void *arg, const struct mbuf *guard, struct mbuf *out)
{
	(void)arg;
	mbuf_printf(out, "engine_part 1\n");
	mbuf_add(out, guard->p, guard->len);
}

static int epfd, lfd;

static void pump(int rounds)
{
	for (int r = 0; r < rounds; r++) {
		struct epoll_event ev[8];
		int n = epoll_wait(epfd, ev, 8, 50);

		for (int i = 0; i < n; i++)
			metrics_http_event(ev[i].data.u32, ev[i].events);
	}
}

static int t_connect(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	getsockname(lfd, (void *)&sa, &sl);
	if (connect(fd, (void *)&sa, sl) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send req, drive the server (answering id when it asks), read all. */
static void exchange(const char *req, const char *guard, char *resp,
		     size_t rlen)
{
	int fd = t_connect();
	uint32_t before = asked;
	size_t got = 0;
	ssize_t n;

	CU_ASSERT_FATAL(fd >= 0);
	send(fd, req, strlen(req), 0);
	pump(3);
	if (asked != before) {
		struct mbuf g = {0};

		mbuf_printf(&g, "%s", guard);
		CU_ASSERT_EQUAL(metrics_http_answer(asked, &g), 1);
		mbuf_free(&g);
	}
	pump(2);
	while (got < rlen - 1 &&
	       (n = recv(fd, resp + got, rlen - 1 - got, MSG_DONTWAIT)) > 0)
		got += n;
	resp[got] = 0;
	close(fd);
}

static void test_http_server(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct metrics_http_ops ops = {t_request, t_build, NULL};
	char resp[2048];
	int clients[METRICS_HTTP_CLIENTS + 1];

	epfd = epoll_create1(0);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CU_ASSERT_FATAL(bind(lfd, (void *)&sa, sizeof(sa)) == 0 &&
			listen(lfd, 16) == 0);
	metrics_http_init(epfd, lfd, &ops);

	exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n", "guard_part 2\n",
		 resp, sizeof(resp));
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "HTTP/1.1 200 OK\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "Content-Type: text/plain; "
					    "version=0.0.4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "Content-Length: 27\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "Connection: close\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "\r\n\r\nengine_part 1\n"
					    "guard_part 2\n"));

	exchange("HEAD /metrics HTTP/1.0\r\n\r\n", "g 1\n", resp, sizeof(resp));
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "Content-Length: 18\r\n"));
	CU_ASSERT_PTR_NULL(strstr(resp, "engine_part"));

	exchange("GET /other HTTP/1.1\r\n\r\n", "", resp, sizeof(resp));
	CU_ASSERT_EQUAL(strncmp(resp, "HTTP/1.1 404 Not Found\r\n", 24), 0);
	exchange("DELETE /metrics HTTP/1.1\r\n\r\n", "", resp, sizeof(resp));
	CU_ASSERT_EQUAL(strncmp(resp, "HTTP/1.1 405 ", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "Allow: GET, HEAD\r\n"));

	/* the parent not answering the request: 503, no wait */
	ask_fail = 1;
	exchange("GET /metrics HTTP/1.1\r\n\r\n", "", resp, sizeof(resp));
	CU_ASSERT_EQUAL(strncmp(resp, "HTTP/1.1 503 ", 13), 0);
	ask_fail = 0;

	/* a head that never ends: 431 at the limit */
	{
		char big[METRICS_HTTP_HEAD_MAX];
		int fd = t_connect();
		size_t got = 0;
		ssize_t n;

		memset(big, 'a', sizeof(big));
		memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
		send(fd, big, sizeof(big), 0);
		pump(3);
		while ((n = recv(fd, resp + got, sizeof(resp) - 1 - got,
				 MSG_DONTWAIT)) > 0)
			got += n;
		resp[got] = 0;
		CU_ASSERT_EQUAL(strncmp(resp, "HTTP/1.1 431 ", 13), 0);
		close(fd);
	}

	/* over the client limit: 503 for the one too many; the silent ones
	 * are closed by the timeout */
	for (int i = 0; i <= METRICS_HTTP_CLIENTS; i++)
		clients[i] = t_connect();
	pump(3);
	{
		ssize_t n = recv(clients[METRICS_HTTP_CLIENTS], resp,
				 sizeof(resp) - 1, MSG_DONTWAIT);

		resp[n > 0 ? n : 0] = 0;
		CU_ASSERT_EQUAL(strncmp(resp, "HTTP/1.1 503 ", 13), 0);
	}
	metrics_http_tick(time(NULL) + METRICS_HTTP_TIMEOUT + 1);
	{
		char c;

		CU_ASSERT_EQUAL(recv(clients[0], &c, 1, 0), 0); /* closed */
	}
	for (int i = 0; i <= METRICS_HTTP_CLIENTS; i++)
		close(clients[i]);
	/* a slot is free again */
	exchange("GET /metrics HTTP/1.1\r\n\r\n", "x 1\n", resp, sizeof(resp));
	CU_ASSERT_EQUAL(strncmp(resp, "HTTP/1.1 200 ", 13), 0);
	close(lfd);
	close(epfd);
}

/* --- config -----------------------------------------------------------------
 */

static int conf(const char *text, struct config **c, char *err, size_t n)
{
	return config_parse_buf(text, strlen(text), "t.conf", c, err, n);
}

static void test_config(void)
{
	struct config *c = NULL;
	char err[512], a[PREFIX_STRLEN];

	CU_ASSERT_EQUAL_FATAL(conf("metrics { listen 127.0.0.1:9179; }\n", &c,
				   err, sizeof(err)),
			      0);
	CU_ASSERT(c->metrics.enabled);
	CU_ASSERT_EQUAL(c->metrics.port, 9179);
	prefix_fmt(&c->metrics.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "127.0.0.1");
	CU_ASSERT(config_metrics_loopback(&c->metrics));
	config_free(c);
	CU_ASSERT_EQUAL_FATAL(
		conf("metrics { listen [::1]:80; }\n", &c, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(c->metrics.addr.family, AF_INET6);
	CU_ASSERT_EQUAL(c->metrics.port, 80);
	CU_ASSERT(config_metrics_loopback(&c->metrics));
	config_free(c);
	CU_ASSERT_EQUAL_FATAL(conf("metrics { listen \"[2001:db8::1]:9\"; }\n",
				   &c, err, sizeof(err)),
			      0);
	CU_ASSERT_FALSE(config_metrics_loopback(&c->metrics));
	config_free(c);
	/* default off */
	CU_ASSERT_EQUAL_FATAL(conf("user bgpshield;\n", &c, err, sizeof(err)),
			      0);
	CU_ASSERT_FALSE(c->metrics.enabled);
	config_free(c);

	CU_ASSERT_EQUAL(
		conf("metrics { listen 127.0.0.1; }", &c, err, sizeof(err)),
		-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a port is required"));
	CU_ASSERT_EQUAL(
		conf("metrics { listen ::1:9179; }", &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "in brackets"));
	CU_ASSERT_EQUAL(
		conf("metrics { listen 127.0.0.1:0; }", &c, err, sizeof(err)),
		-1);
	CU_ASSERT_EQUAL(conf("metrics { listen 127.0.0.1:65536; }", &c, err,
			     sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(
		conf("metrics { listen 10.0.0.0/8:1; }", &c, err, sizeof(err)),
		-1);
	CU_ASSERT_EQUAL(
		conf("metrics { listen [127.0.0.1]:1; }", &c, err, sizeof(err)),
		-1);
	CU_ASSERT_EQUAL(conf("metrics { }", &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "without 'listen'"));
	CU_ASSERT_EQUAL(conf("metrics { listen 127.0.0.1:1; listen "
			     "127.0.0.1:2; }",
			     &c, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(conf("metrics { listen 127.0.0.1:1; }\nmetrics { "
			     "listen 127.0.0.1:2; }",
			     &c, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already given"));
	/* 'listen' elsewhere names its home */
	CU_ASSERT_EQUAL(conf("listen 127.0.0.1:1;", &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "metrics"));
}

/* The canonical print parses again to the same config; -t warns when the
 * address is not loopback. */
static void warn_cb(const char *line, void *arg)
{
	snprintf(arg, 512, "%s", line);
}

static void test_config_print(void)
{
	const char *texts[] = {"metrics { listen [::1]:9179; }\n",
			       "metrics { listen 192.0.2.1:9100; }\n"};

	for (int i = 0; i < 2; i++) {
		struct config *c = NULL, *d = NULL;
		char err[512], w[512] = "", *buf = NULL;
		size_t len = 0;
		FILE *f;

		CU_ASSERT_EQUAL_FATAL(conf(texts[i], &c, err, sizeof(err)), 0);
		f = open_memstream(&buf, &len);
		config_print(f, c);
		fclose(f);
		CU_ASSERT_EQUAL_FATAL(
			config_parse_buf(buf, len, "p", &d, err, sizeof(err)),
			0);
		CU_ASSERT(config_equal(c, d, 0));
		config_warnings(c, "t.conf", warn_cb, w);
		if (i == 0) {
			CU_ASSERT_STRING_EQUAL(w, "");
		} else {
			CU_ASSERT_PTR_NOT_NULL(strstr(w, "t.conf:1:18: "
							 "warning: metrics "
							 "listen 192.0.2.1 is "
							 "not a loopback"));
		}
		d->metrics.port++;
		CU_ASSERT_FALSE(config_equal(c, d, 0));
		free(buf);
		config_free(c);
		config_free(d);
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("metrics", NULL, NULL);
	CU_add_test(s, "label escaping and sample lines", test_escape);
	CU_add_test(s, "buffer limit", test_mbuf_limit);
	CU_add_test(s, "engine families", test_engine_text);
	CU_add_test(s, "guard families", test_guard_text);
	CU_add_test(s, "engine and guard text together", test_whole_text);
	CU_add_test(s, "parent chunks collected", test_collect);
	CU_add_test(s, "HTTP request heads", test_http_parse);
	CU_add_test(s, "HTTP server over loopback", test_http_server);
	CU_add_test(s, "config metrics block", test_config);
	CU_add_test(s, "config print, compare, warning", test_config_print);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
