/* recog_rpc.c - DCE/RPC connection-oriented PDUs (DCE 1.1 RPC, C706 chapter
 * 12.6; [MS-RPCE] 2.2.2): the common header, and for BIND and ALTER_CONTEXT
 * the interfaces asked for, named where Windows worms and exploits made them
 * known.  UUIDs are written as in the IDL (time_low-mid-hi_version-...). */
#include <stdio.h>
#include <string.h>

#include "rd.h"
#include "recog.h"

static const struct {
	const char *uuid, *name;
} interfaces[] = {
	/* Endpoint mapper (C706 appendix O; what scanners ask first on 135). */
	{ "e1af8308-5d1f-11c9-91a4-08002b14a0fa", "EPM endpoint mapper" },
	/* [MS-DCOM] 1.9: activation; Blaster (MS03-026) overflowed RemoteActivation. */
	{ "000001a0-0000-0000-c000-000000000046", "DCOM ISystemActivator" },
	{ "4d9f4ab8-7d1c-11cf-861e-0020af6e7c57", "DCOM IRemoteActivation" },
	{ "99fcfec4-5260-101b-bbcb-00aa0021347a", "DCOM IObjectExporter (IOXIDResolver)" },
	/* [MS-LSAD], [MS-DSSP]: Sasser (MS04-011) called DsRolerUpgradeDownlevelServer. */
	{ "12345778-1234-abcd-ef00-0123456789ab", "LSARPC (LSASS)" },
	{ "3919286a-b10c-11d0-9ba8-00c04fd92ef5", "DSSETUP (LSASS DsRole)" },
	{ "12345778-1234-abcd-ef00-0123456789ac", "SAMR" },
	/* [MS-SRVS]: Conficker (MS08-067) called NetPathCanonicalize. */
	{ "4b324fc8-1670-01d3-1278-5a47bf6ee188", "SRVSVC" },
	/* [MS-WKST]: MS03-049 (Korgo-era NetpManageIPCConnect overflows). */
	{ "6bffd098-a112-3610-9833-46c3f87e345a", "WKSSVC" },
	{ "12345678-1234-abcd-ef00-01234567cffb", "NETLOGON" },
	{ "12345678-1234-abcd-ef00-0123456789ab", "SPOOLSS (print spooler)" },
	{ "367abb81-9844-35f1-ad32-98f038001003", "SVCCTL (service control)" },
	{ "338cd001-2244-31f1-aaaa-900038001003", "WINREG (remote registry)" },
	{ "1ff70682-0a51-30e8-076d-740be8cee98b", "ATSVC (task scheduler)" },
	{ "86d35949-83c9-4044-b424-db363231fd0c", "ITaskSchedulerService" },
	/* [MS-PNP]: Zotob (MS05-039) called PNP_QueryResConfList. */
	{ "8d9f4e40-a03d-11ce-8f69-08003e30051b", "PNP (plug and play)" },
	{ "e3514235-4b06-11d1-ab04-00c04fc2dcd2", "DRSUAPI (directory replication)" },
	{ "50abc2a4-574d-40b3-9d66-ee4fd5fba076", "DNSSERVER" },
	/* Transfer syntaxes ([MS-RPCE] 2.2.4.12, 2.2.5.3.4.1). */
	{ "8a885d04-1ceb-11c9-9fe8-08002b104860", "NDR" },
	{ "71710533-beba-4937-8319-b5dbef9ccc36", "NDR64" },
};

const char *dcerpc_interface_name(const char *uuid)
{
	for (size_t i = 0; i < sizeof interfaces / sizeof interfaces[0]; i++)
		if (!strcmp(interfaces[i].uuid, uuid))
			return interfaces[i].name;
	return NULL;
}

static const char *ptype_name(unsigned t)
{
	static const char *const names[] = {
		"request", "ping", "response", "fault", "working", "nocall", "reject", "ack",
		"cl-cancel", "fack", "cancel-ack", "bind", "bind-ack", "bind-nak", "alter-context",
		"alter-context-resp", "auth3", "shutdown", "co-cancel", "orphaned",
	};
	return t < sizeof names / sizeof names[0] ? names[t] : NULL;
}

/* A UUID in the sender's integer order (drep): first three fields swap. */
static void uuid_text(const unsigned char *u, int le, char out[37])
{
	unsigned char b[16];
	memcpy(b, u, 16);
	if (le) {
		unsigned char t;
		t = b[0], b[0] = b[3], b[3] = t;
		t = b[1], b[1] = b[2], b[2] = t;
		t = b[4], b[4] = b[5], b[5] = t;
		t = b[6], b[6] = b[7], b[7] = t;
	}
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static unsigned u16(struct rd *d, int le)
{
	return le ? rd_u16le(d) : rd_u16be(d);
}

int recog_dcerpc(const unsigned char *p, size_t n, struct recog *r)
{
	if (n < 16 || p[0] != 5 || p[1] > 1)
		return 0;
	unsigned ptype = p[2];
	const char *pname = ptype_name(ptype);
	/* drep[0] high nibble: 0 big-endian, 1 little-endian integers. */
	if (!pname || (p[4] >> 4) > 1 || (p[5] & 0xf0) || p[6] || p[7])
		return 0;
	int le = (p[4] >> 4) == 1;
	struct rd d = rd_init(p, n);
	rd_skip(&d, 8);
	unsigned frag = u16(&d, le), auth = u16(&d, le);
	rd_skip(&d, 4);
	if (frag < 16)
		return 0;
	char kind[RECOG_KIND];
	snprintf(kind, sizeof kind, "dcerpc-%s", pname);
	recog_kind(r, kind);
	recog_add(r, "rpc_version", "%u.%u", p[0], p[1]);
	recog_add(r, "frag_length", "%u", frag);
	if (auth)
		recog_add(r, "auth_length", "%u", auth);
	if (ptype == 0) { /* request: alloc_hint, context id, operation number */
		rd_skip(&d, 4);
		unsigned ctx = u16(&d, le), opnum = u16(&d, le);
		if (!d.err) {
			recog_add(r, "context_id", "%u", ctx);
			recog_add(r, "opnum", "%u", opnum);
		}
		return 1;
	}
	if (ptype != 11 && ptype != 14)
		return 1;
	rd_skip(&d, 8); /* max_xmit_frag, max_recv_frag, assoc_group_id */
	unsigned nctx = rd_u8(&d);
	rd_skip(&d, 3);
	if (d.err)
		return 1;
	recog_add(r, "contexts", "%u", nctx);
	for (unsigned i = 0; i < nctx && i < 32; i++) {
		rd_skip(&d, 2); /* p_cont_id */
		unsigned ntransfer = rd_u8(&d);
		rd_skip(&d, 1);
		const unsigned char *uuid = rd_take(&d, 16);
		unsigned major = u16(&d, le), minor = u16(&d, le);
		if (d.err)
			break;
		char text[37], item[128];
		uuid_text(uuid, le, text);
		const char *name = dcerpc_interface_name(text);
		snprintf(item, sizeof item, "%s v%u.%u", text, major, minor);
		recog_append(r, "interfaces", item);
		if (name)
			recog_append(r, "interface_names", name);
		for (unsigned t = 0; t < ntransfer && t < 8; t++) {
			const unsigned char *ts = rd_take(&d, 16);
			rd_skip(&d, 4);
			if (d.err)
				break;
			uuid_text(ts, le, text);
			if (i == 0) {
				name = dcerpc_interface_name(text);
				recog_append(r, "transfer_syntax", name ? name : text);
			}
		}
	}
	return 1;
}
