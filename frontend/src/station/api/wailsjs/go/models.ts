export namespace app {
	
	export class Appointment {
	    id: string;
	    name: string;
	    id_number?: string;
	    phone: string;
	    company?: string;
	    uscc?: string;
	    item_code: string;
	    day: string;
	    slot: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new Appointment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.id_number = source["id_number"];
	        this.phone = source["phone"];
	        this.company = source["company"];
	        this.uscc = source["uscc"];
	        this.item_code = source["item_code"];
	        this.day = source["day"];
	        this.slot = source["slot"];
	        this.status = source["status"];
	    }
	}
	export class BoardCall {
	    id: string;
	    number: string;
	    window: string;
	    called_at: string;
	
	    static createFrom(source: any = {}) {
	        return new BoardCall(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.number = source["number"];
	        this.window = source["window"];
	        this.called_at = source["called_at"];
	    }
	}
	export class CaseFilter {
	    query?: string;
	    state?: string;
	    item_code?: string;
	    channel?: string;
	    from?: string;
	    to?: string;
	    overdue?: boolean;
	    due_soon?: boolean;
	    holder?: string;
	    limit?: number;
	    offset?: number;
	
	    static createFrom(source: any = {}) {
	        return new CaseFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = source["query"];
	        this.state = source["state"];
	        this.item_code = source["item_code"];
	        this.channel = source["channel"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.overdue = source["overdue"];
	        this.due_soon = source["due_soon"];
	        this.holder = source["holder"];
	        this.limit = source["limit"];
	        this.offset = source["offset"];
	    }
	}
	export class CaseSummary {
	    id: string;
	    number: string;
	    item_name: string;
	    state: string;
	    state_zh: string;
	    result?: string;
	    channel: string;
	    applicant: string;
	    id_number: string;
	    phone: string;
	    received_at: string;
	    due?: string;
	    overdue: boolean;
	    due_soon: boolean;
	    provisional?: boolean;
	    holder: string;
	    match?: string;
	    name_shown?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new CaseSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.number = source["number"];
	        this.item_name = source["item_name"];
	        this.state = source["state"];
	        this.state_zh = source["state_zh"];
	        this.result = source["result"];
	        this.channel = source["channel"];
	        this.applicant = source["applicant"];
	        this.id_number = source["id_number"];
	        this.phone = source["phone"];
	        this.received_at = source["received_at"];
	        this.due = source["due"];
	        this.overdue = source["overdue"];
	        this.due_soon = source["due_soon"];
	        this.provisional = source["provisional"];
	        this.holder = source["holder"];
	        this.match = source["match"];
	        this.name_shown = source["name_shown"];
	    }
	}
	export class CasePage {
	    total: number;
	    cases: CaseSummary[];
	
	    static createFrom(source: any = {}) {
	        return new CasePage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.total = source["total"];
	        this.cases = this.convertValues(source["cases"], CaseSummary);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ConflictView {
	    event_id: string;
	    case_id: string;
	    case_number?: string;
	    kind: string;
	    reason: string;
	    zh: string;
	    created_at: string;
	    resolved_at?: string;
	    resolved_by?: string;
	    resolution?: string;
	
	    static createFrom(source: any = {}) {
	        return new ConflictView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.event_id = source["event_id"];
	        this.case_id = source["case_id"];
	        this.case_number = source["case_number"];
	        this.kind = source["kind"];
	        this.reason = source["reason"];
	        this.zh = source["zh"];
	        this.created_at = source["created_at"];
	        this.resolved_at = source["resolved_at"];
	        this.resolved_by = source["resolved_by"];
	        this.resolution = source["resolution"];
	    }
	}
	export class EventView {
	    id: string;
	    kind: string;
	    zh: string;
	    from?: string;
	    actor: string;
	    actor_name: string;
	    office: string;
	    at: string;
	    hlc: string;
	    status: string;
	    hall_seq?: number;
	    reason?: string;
	    payload?: number[];
	
	    static createFrom(source: any = {}) {
	        return new EventView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.zh = source["zh"];
	        this.from = source["from"];
	        this.actor = source["actor"];
	        this.actor_name = source["actor_name"];
	        this.office = source["office"];
	        this.at = source["at"];
	        this.hlc = source["hlc"];
	        this.status = source["status"];
	        this.hall_seq = source["hall_seq"];
	        this.reason = source["reason"];
	        this.payload = source["payload"];
	    }
	}
	export class Step {
	    kind: string;
	    zh: string;
	    needs_reason: boolean;
	    allowed: boolean;
	    refusal?: string;
	    blocked?: string;
	
	    static createFrom(source: any = {}) {
	        return new Step(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.zh = source["zh"];
	        this.needs_reason = source["needs_reason"];
	        this.allowed = source["allowed"];
	        this.refusal = source["refusal"];
	        this.blocked = source["blocked"];
	    }
	}
	export class DeadlineView {
	    due?: string;
	    legal_due?: string;
	    workdays_left: number;
	    overdue: boolean;
	    legal_overdue: boolean;
	    due_soon: boolean;
	    provisional: boolean;
	    paused: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DeadlineView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.due = source["due"];
	        this.legal_due = source["legal_due"];
	        this.workdays_left = source["workdays_left"];
	        this.overdue = source["overdue"];
	        this.legal_overdue = source["legal_overdue"];
	        this.due_soon = source["due_soon"];
	        this.provisional = source["provisional"];
	        this.paused = source["paused"];
	    }
	}
	export class CaseView {
	    case?: domain.Case;
	    state_zh: string;
	    deadline: DeadlineView;
	    steps: Step[];
	    missing: domain.CaseMaterial[];
	    waived: number;
	    events: EventView[];
	    conflicts: ConflictView[];
	    masked: boolean;
	
	    static createFrom(source: any = {}) {
	        return new CaseView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.case = this.convertValues(source["case"], domain.Case);
	        this.state_zh = source["state_zh"];
	        this.deadline = this.convertValues(source["deadline"], DeadlineView);
	        this.steps = this.convertValues(source["steps"], Step);
	        this.missing = this.convertValues(source["missing"], domain.CaseMaterial);
	        this.waived = source["waived"];
	        this.events = this.convertValues(source["events"], EventView);
	        this.conflicts = this.convertValues(source["conflicts"], ConflictView);
	        this.masked = source["masked"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ItemCount {
	    item: string;
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new ItemCount(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.item = source["item"];
	        this.count = source["count"];
	    }
	}
	export class DayCount {
	    day: string;
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new DayCount(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.day = source["day"];
	        this.count = source["count"];
	    }
	}
	export class Dashboard {
	    today: number;
	    month: number;
	    tickets_today: number;
	    waiting: number;
	    avg_wait_secs: number;
	    avg_serve_secs: number;
	    avg_handle_days: number;
	    open: number;
	    overdue: number;
	    due_soon: number;
	    ratings: number;
	    satisfaction: number;
	    bad_open: number;
	    pending_sync: number;
	    conflicts: number;
	    by_state: {[key: string]: number};
	    daily: DayCount[];
	    top_items: ItemCount[];
	    by_channel: {[key: string]: number};
	    zero_visit_share: number;
	
	    static createFrom(source: any = {}) {
	        return new Dashboard(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.today = source["today"];
	        this.month = source["month"];
	        this.tickets_today = source["tickets_today"];
	        this.waiting = source["waiting"];
	        this.avg_wait_secs = source["avg_wait_secs"];
	        this.avg_serve_secs = source["avg_serve_secs"];
	        this.avg_handle_days = source["avg_handle_days"];
	        this.open = source["open"];
	        this.overdue = source["overdue"];
	        this.due_soon = source["due_soon"];
	        this.ratings = source["ratings"];
	        this.satisfaction = source["satisfaction"];
	        this.bad_open = source["bad_open"];
	        this.pending_sync = source["pending_sync"];
	        this.conflicts = source["conflicts"];
	        this.by_state = source["by_state"];
	        this.daily = this.convertValues(source["daily"], DayCount);
	        this.top_items = this.convertValues(source["top_items"], ItemCount);
	        this.by_channel = source["by_channel"];
	        this.zero_visit_share = source["zero_visit_share"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class EvaluationInput {
	    case_id?: string;
	    ticket_id?: string;
	    level: number;
	    efficiency?: number;
	    service?: number;
	    attitude?: number;
	    comment?: string;
	    source?: string;
	    real_name?: boolean;
	    rating_id?: string;
	    ticket?: string;
	    staff?: string;
	    case_state?: string;
	    contact?: string;
	
	    static createFrom(source: any = {}) {
	        return new EvaluationInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.case_id = source["case_id"];
	        this.ticket_id = source["ticket_id"];
	        this.level = source["level"];
	        this.efficiency = source["efficiency"];
	        this.service = source["service"];
	        this.attitude = source["attitude"];
	        this.comment = source["comment"];
	        this.source = source["source"];
	        this.real_name = source["real_name"];
	        this.rating_id = source["rating_id"];
	        this.ticket = source["ticket"];
	        this.staff = source["staff"];
	        this.case_state = source["case_state"];
	        this.contact = source["contact"];
	    }
	}
	
	export class Identity {
	    code: string;
	    name: string;
	    region: string;
	    kind: string;
	    hall?: string;
	
	    static createFrom(source: any = {}) {
	        return new Identity(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.name = source["name"];
	        this.region = source["region"];
	        this.kind = source["kind"];
	        this.hall = source["hall"];
	    }
	}
	export class ImportResult {
	    catalog: string;
	    items: number;
	    added: number;
	    unchanged: number;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.catalog = source["catalog"];
	        this.items = source["items"];
	        this.added = source["added"];
	        this.unchanged = source["unchanged"];
	    }
	}
	export class IntakeCheck {
	    birth_date?: string;
	    sex?: string;
	    age?: number;
	    warnings: string[];
	    materials: domain.CaseMaterial[];
	    missing: number;
	    blocking: number;
	    waivable: number;
	
	    static createFrom(source: any = {}) {
	        return new IntakeCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.birth_date = source["birth_date"];
	        this.sex = source["sex"];
	        this.age = source["age"];
	        this.warnings = source["warnings"];
	        this.materials = this.convertValues(source["materials"], domain.CaseMaterial);
	        this.missing = source["missing"];
	        this.blocking = source["blocking"];
	        this.waivable = source["waivable"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ItemSummary {
	    code: string;
	    version: number;
	    name: string;
	    handling: string;
	    kind: string;
	    type: string;
	    department: string;
	    handled_at: string;
	    initials: string;
	    promised: string;
	    materials: number;
	    situations?: string[];
	    visits: number;
	
	    static createFrom(source: any = {}) {
	        return new ItemSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.version = source["version"];
	        this.name = source["name"];
	        this.handling = source["handling"];
	        this.kind = source["kind"];
	        this.type = source["type"];
	        this.department = source["department"];
	        this.handled_at = source["handled_at"];
	        this.initials = source["initials"];
	        this.promised = source["promised"];
	        this.materials = source["materials"];
	        this.situations = source["situations"];
	        this.visits = source["visits"];
	    }
	}
	export class KioskQuery {
	    receipt?: string;
	    number?: string;
	    password?: string;
	
	    static createFrom(source: any = {}) {
	        return new KioskQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.receipt = source["receipt"];
	        this.number = source["number"];
	        this.password = source["password"];
	    }
	}
	export class KioskRatingInput {
	    case?: KioskQuery;
	    ticket_number?: string;
	    level: number;
	    efficiency?: number;
	    service?: number;
	    attitude?: number;
	    comment?: string;
	    source?: string;
	    real_name?: boolean;
	    rating_id?: string;
	    ticket?: string;
	    staff?: string;
	    case_state?: string;
	    contact?: string;
	
	    static createFrom(source: any = {}) {
	        return new KioskRatingInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.case = this.convertValues(source["case"], KioskQuery);
	        this.ticket_number = source["ticket_number"];
	        this.level = source["level"];
	        this.efficiency = source["efficiency"];
	        this.service = source["service"];
	        this.attitude = source["attitude"];
	        this.comment = source["comment"];
	        this.source = source["source"];
	        this.real_name = source["real_name"];
	        this.rating_id = source["rating_id"];
	        this.ticket = source["ticket"];
	        this.staff = source["staff"];
	        this.case_state = source["case_state"];
	        this.contact = source["contact"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MaterialInput {
	    code: string;
	    collected: string;
	    count?: number;
	    cert_no?: string;
	    blobs?: string[];
	    rongque_due?: string;
	
	    static createFrom(source: any = {}) {
	        return new MaterialInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.collected = source["collected"];
	        this.count = source["count"];
	        this.cert_no = source["cert_no"];
	        this.blobs = source["blobs"];
	        this.rongque_due = source["rongque_due"];
	    }
	}
	export class OpenCaseInput {
	    item_code: string;
	    item_version?: number;
	    situation?: string;
	    channel: string;
	    applicant: domain.Applicant;
	    agent?: domain.Agent;
	    materials?: MaterialInput[];
	    ticket_id?: string;
	    appointment_id?: string;
	
	    static createFrom(source: any = {}) {
	        return new OpenCaseInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.item_code = source["item_code"];
	        this.item_version = source["item_version"];
	        this.situation = source["situation"];
	        this.channel = source["channel"];
	        this.applicant = this.convertValues(source["applicant"], domain.Applicant);
	        this.agent = this.convertValues(source["agent"], domain.Agent);
	        this.materials = this.convertValues(source["materials"], MaterialInput);
	        this.ticket_id = source["ticket_id"];
	        this.appointment_id = source["appointment_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProgressAt {
	    zh: string;
	    at: string;
	
	    static createFrom(source: any = {}) {
	        return new ProgressAt(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.zh = source["zh"];
	        this.at = source["at"];
	    }
	}
	export class Progress {
	    number: string;
	    item_name: string;
	    applicant: string;
	    state: string;
	    state_zh: string;
	    result?: string;
	    result_zh?: string;
	    due?: string;
	    missing?: string[];
	    steps: ProgressAt[];
	
	    static createFrom(source: any = {}) {
	        return new Progress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.number = source["number"];
	        this.item_name = source["item_name"];
	        this.applicant = source["applicant"];
	        this.state = source["state"];
	        this.state_zh = source["state_zh"];
	        this.result = source["result"];
	        this.result_zh = source["result_zh"];
	        this.due = source["due"];
	        this.missing = source["missing"];
	        this.steps = this.convertValues(source["steps"], ProgressAt);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class QueueBoard {
	    calls: BoardCall[];
	    next: string[];
	    waiting: number;
	
	    static createFrom(source: any = {}) {
	        return new QueueBoard(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.calls = this.convertValues(source["calls"], BoardCall);
	        this.next = source["next"];
	        this.waiting = source["waiting"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RatingInvite {
	    id: string;
	    window: string;
	    ticket_id?: string;
	    ticket_number?: string;
	    case_id?: string;
	    item_name?: string;
	    clerk_name: string;
	    expires_at: string;
	
	    static createFrom(source: any = {}) {
	        return new RatingInvite(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.window = source["window"];
	        this.ticket_id = source["ticket_id"];
	        this.ticket_number = source["ticket_number"];
	        this.case_id = source["case_id"];
	        this.item_name = source["item_name"];
	        this.clerk_name = source["clerk_name"];
	        this.expires_at = source["expires_at"];
	    }
	}
	export class Rectification {
	    id: string;
	    evaluation_id: string;
	    case_id?: string;
	    level: number;
	    comment: string;
	    contact?: string;
	    responsible: string;
	    due: string;
	    status: string;
	    callback?: string;
	    result?: string;
	    overdue: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Rectification(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.evaluation_id = source["evaluation_id"];
	        this.case_id = source["case_id"];
	        this.level = source["level"];
	        this.comment = source["comment"];
	        this.contact = source["contact"];
	        this.responsible = source["responsible"];
	        this.due = source["due"];
	        this.status = source["status"];
	        this.callback = source["callback"];
	        this.result = source["result"];
	        this.overdue = source["overdue"];
	    }
	}
	export class Staff {
	    id: string;
	    login: string;
	    name: string;
	    role: string;
	    disabled: boolean;
	    locked_until?: string;
	
	    static createFrom(source: any = {}) {
	        return new Staff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.login = source["login"];
	        this.name = source["name"];
	        this.role = source["role"];
	        this.disabled = source["disabled"];
	        this.locked_until = source["locked_until"];
	    }
	}
	
	export class Ticket {
	    id: string;
	    number: string;
	    day: string;
	    item_code?: string;
	    window?: string;
	    staff_id?: string;
	    status: string;
	    issued_at: string;
	    called_at?: string;
	    started_at?: string;
	    ended_at?: string;
	    case_id?: string;
	    wait_secs: number;
	    serve_secs?: number;
	    transfers?: string;
	    appointment?: string;
	    ahead?: number;
	
	    static createFrom(source: any = {}) {
	        return new Ticket(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.number = source["number"];
	        this.day = source["day"];
	        this.item_code = source["item_code"];
	        this.window = source["window"];
	        this.staff_id = source["staff_id"];
	        this.status = source["status"];
	        this.issued_at = source["issued_at"];
	        this.called_at = source["called_at"];
	        this.started_at = source["started_at"];
	        this.ended_at = source["ended_at"];
	        this.case_id = source["case_id"];
	        this.wait_secs = source["wait_secs"];
	        this.serve_secs = source["serve_secs"];
	        this.transfers = source["transfers"];
	        this.appointment = source["appointment"];
	        this.ahead = source["ahead"];
	    }
	}

}

export namespace bundle {
	
	export class BlobAck {
	    sha256: string;
	    status: string;
	    reason?: string;
	    zh?: string;
	
	    static createFrom(source: any = {}) {
	        return new BlobAck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sha256 = source["sha256"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.zh = source["zh"];
	    }
	}

}

export namespace desktop {
	
	export class AppInfo {
	    version: string;
	    initialised: boolean;
	    identity: app.Identity;
	    catalog: string;
	    items: number;
	    data_dir: string;
	    user?: app.Staff;
	    locked: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AppInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.initialised = source["initialised"];
	        this.identity = this.convertValues(source["identity"], app.Identity);
	        this.catalog = source["catalog"];
	        this.items = source["items"];
	        this.data_dir = source["data_dir"];
	        this.user = this.convertValues(source["user"], app.Staff);
	        this.locked = source["locked"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class FieldCheck {
	    valid: boolean;
	    value?: string;
	    code?: string;
	    message?: string;
	    zh?: string;
	    birth_date?: string;
	    sex?: string;
	    age?: number;
	
	    static createFrom(source: any = {}) {
	        return new FieldCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.valid = source["valid"];
	        this.value = source["value"];
	        this.code = source["code"];
	        this.message = source["message"];
	        this.zh = source["zh"];
	        this.birth_date = source["birth_date"];
	        this.sex = source["sex"];
	        this.age = source["age"];
	    }
	}
	export class FileFilter {
	    name: string;
	    pattern: string;
	
	    static createFrom(source: any = {}) {
	        return new FileFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.pattern = source["pattern"];
	    }
	}
	export class SetupInput {
	    identity: app.Identity;
	    admin_login: string;
	    admin_name: string;
	    admin_password: string;
	
	    static createFrom(source: any = {}) {
	        return new SetupInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.identity = this.convertValues(source["identity"], app.Identity);
	        this.admin_login = source["admin_login"];
	        this.admin_name = source["admin_name"];
	        this.admin_password = source["admin_password"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StaffUpdate {
	    role?: string;
	    password?: string;
	    disabled?: boolean;
	    unlock?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new StaffUpdate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.role = source["role"];
	        this.password = source["password"];
	        this.disabled = source["disabled"];
	        this.unlock = source["unlock"];
	    }
	}
	export class StepInput {
	    kind: string;
	    reason?: string;
	    extra?: string[];
	    procedure?: string;
	    unit?: string;
	    result?: string;
	    cert_no?: string;
	    method?: string;
	    waybill?: string;
	    address?: string;
	    addressee?: string;
	    signed_by?: string;
	    text?: string;
	    materials?: app.MaterialInput[];
	
	    static createFrom(source: any = {}) {
	        return new StepInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.reason = source["reason"];
	        this.extra = source["extra"];
	        this.procedure = source["procedure"];
	        this.unit = source["unit"];
	        this.result = source["result"];
	        this.cert_no = source["cert_no"];
	        this.method = source["method"];
	        this.waybill = source["waybill"];
	        this.address = source["address"];
	        this.addressee = source["addressee"];
	        this.signed_by = source["signed_by"];
	        this.text = source["text"];
	        this.materials = this.convertValues(source["materials"], app.MaterialInput);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace domain {
	
	export class Agent {
	    mode: string;
	    name: string;
	    id_number: string;
	    phone: string;
	    relationship: string;
	    scope?: string;
	    valid_until?: string;
	    attorney_blob?: string;
	    helper_staff_id?: string;
	
	    static createFrom(source: any = {}) {
	        return new Agent(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mode = source["mode"];
	        this.name = source["name"];
	        this.id_number = source["id_number"];
	        this.phone = source["phone"];
	        this.relationship = source["relationship"];
	        this.scope = source["scope"];
	        this.valid_until = source["valid_until"];
	        this.attorney_blob = source["attorney_blob"];
	        this.helper_staff_id = source["helper_staff_id"];
	    }
	}
	export class Applicant {
	    type: string;
	    name: string;
	    id_type: string;
	    id_number: string;
	    phone: string;
	    address?: string;
	    legal_rep?: string;
	    contact?: string;
	    addressee?: string;
	    addressee_tel?: string;
	    delivery_addr?: string;
	    birth_date?: string;
	    sex?: string;
	
	    static createFrom(source: any = {}) {
	        return new Applicant(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.name = source["name"];
	        this.id_type = source["id_type"];
	        this.id_number = source["id_number"];
	        this.phone = source["phone"];
	        this.address = source["address"];
	        this.legal_rep = source["legal_rep"];
	        this.contact = source["contact"];
	        this.addressee = source["addressee"];
	        this.addressee_tel = source["addressee_tel"];
	        this.delivery_addr = source["delivery_addr"];
	        this.birth_date = source["birth_date"];
	        this.sex = source["sex"];
	    }
	}
	export class ApplicantUpdate {
	    phone?: string;
	    address?: string;
	    contact?: string;
	    addressee?: string;
	    addressee_tel?: string;
	    delivery_addr?: string;
	
	    static createFrom(source: any = {}) {
	        return new ApplicantUpdate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.phone = source["phone"];
	        this.address = source["address"];
	        this.contact = source["contact"];
	        this.addressee = source["addressee"];
	        this.addressee_tel = source["addressee_tel"];
	        this.delivery_addr = source["delivery_addr"];
	    }
	}
	export class ClockFlag {
	    note: string;
	    // Go type: time
	    received_at?: any;
	    // Go type: time
	    accepted_at?: any;
	    // Go type: time
	    concluded_at?: any;
	    // Go type: time
	    delivered_at?: any;
	
	    static createFrom(source: any = {}) {
	        return new ClockFlag(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.note = source["note"];
	        this.received_at = this.convertValues(source["received_at"], null);
	        this.accepted_at = this.convertValues(source["accepted_at"], null);
	        this.concluded_at = this.convertValues(source["concluded_at"], null);
	        this.delivered_at = this.convertValues(source["delivered_at"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Evaluation {
	    level: number;
	    efficiency?: number;
	    service?: number;
	    attitude?: number;
	    comment?: string;
	    source?: string;
	    real_name?: boolean;
	    rating_id?: string;
	    ticket?: string;
	    staff?: string;
	    case_state?: string;
	
	    static createFrom(source: any = {}) {
	        return new Evaluation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.level = source["level"];
	        this.efficiency = source["efficiency"];
	        this.service = source["service"];
	        this.attitude = source["attitude"];
	        this.comment = source["comment"];
	        this.source = source["source"];
	        this.real_name = source["real_name"];
	        this.rating_id = source["rating_id"];
	        this.ticket = source["ticket"];
	        this.staff = source["staff"];
	        this.case_state = source["case_state"];
	    }
	}
	export class Delivery {
	    method: string;
	    waybill?: string;
	    address?: string;
	    addressee?: string;
	    signed_by?: string;
	    signed_at?: string;
	
	    static createFrom(source: any = {}) {
	        return new Delivery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.method = source["method"];
	        this.waybill = source["waybill"];
	        this.address = source["address"];
	        this.addressee = source["addressee"];
	        this.signed_by = source["signed_by"];
	        this.signed_at = source["signed_at"];
	    }
	}
	export class Pause {
	    from: string;
	    to?: string;
	    unit: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new Pause(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.unit = source["unit"];
	        this.reason = source["reason"];
	    }
	}
	export class CaseMaterial {
	    code: string;
	    name: string;
	    required: string;
	    e_license: boolean;
	    originals: number;
	    copies: number;
	    collected: string;
	    count?: number;
	    cert_no?: string;
	    blobs?: string[];
	    at?: string;
	    rongque_due?: string;
	
	    static createFrom(source: any = {}) {
	        return new CaseMaterial(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.name = source["name"];
	        this.required = source["required"];
	        this.e_license = source["e_license"];
	        this.originals = source["originals"];
	        this.copies = source["copies"];
	        this.collected = source["collected"];
	        this.count = source["count"];
	        this.cert_no = source["cert_no"];
	        this.blobs = source["blobs"];
	        this.at = source["at"];
	        this.rongque_due = source["rongque_due"];
	    }
	}
	export class Case {
	    id: string;
	    number: string;
	    serial?: string;
	    query_password?: string;
	    station: string;
	    holder: string;
	    hall_held?: boolean;
	    item_code: string;
	    item_version: number;
	    item_name: string;
	    item_kind: string;
	    handled_at: string;
	    situation?: string;
	    situation_name?: string;
	    division?: string;
	    channel: string;
	    applicant: Applicant;
	    agent?: Agent;
	    materials: CaseMaterial[];
	    legal_limit: workday.Limit;
	    promised_limit: workday.Limit;
	    state: string;
	    result?: string;
	    reason?: string;
	    correction_from?: string;
	    correction_list?: string[];
	    correction_due?: string;
	    cert_no?: string;
	    pauses?: Pause[];
	    delivery?: Delivery;
	    evaluation?: Evaluation;
	    ticket_id?: string;
	    appointment_id?: string;
	    // Go type: time
	    received_at: any;
	    // Go type: time
	    accepted_at?: any;
	    // Go type: time
	    concluded_at?: any;
	    // Go type: time
	    delivered_at?: any;
	    // Go type: time
	    updated_at: any;
	    last_event: string;
	    events: number;
	    notes?: string[];
	    clock?: ClockFlag;
	
	    static createFrom(source: any = {}) {
	        return new Case(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.number = source["number"];
	        this.serial = source["serial"];
	        this.query_password = source["query_password"];
	        this.station = source["station"];
	        this.holder = source["holder"];
	        this.hall_held = source["hall_held"];
	        this.item_code = source["item_code"];
	        this.item_version = source["item_version"];
	        this.item_name = source["item_name"];
	        this.item_kind = source["item_kind"];
	        this.handled_at = source["handled_at"];
	        this.situation = source["situation"];
	        this.situation_name = source["situation_name"];
	        this.division = source["division"];
	        this.channel = source["channel"];
	        this.applicant = this.convertValues(source["applicant"], Applicant);
	        this.agent = this.convertValues(source["agent"], Agent);
	        this.materials = this.convertValues(source["materials"], CaseMaterial);
	        this.legal_limit = this.convertValues(source["legal_limit"], workday.Limit);
	        this.promised_limit = this.convertValues(source["promised_limit"], workday.Limit);
	        this.state = source["state"];
	        this.result = source["result"];
	        this.reason = source["reason"];
	        this.correction_from = source["correction_from"];
	        this.correction_list = source["correction_list"];
	        this.correction_due = source["correction_due"];
	        this.cert_no = source["cert_no"];
	        this.pauses = this.convertValues(source["pauses"], Pause);
	        this.delivery = this.convertValues(source["delivery"], Delivery);
	        this.evaluation = this.convertValues(source["evaluation"], Evaluation);
	        this.ticket_id = source["ticket_id"];
	        this.appointment_id = source["appointment_id"];
	        this.received_at = this.convertValues(source["received_at"], null);
	        this.accepted_at = this.convertValues(source["accepted_at"], null);
	        this.concluded_at = this.convertValues(source["concluded_at"], null);
	        this.delivered_at = this.convertValues(source["delivered_at"], null);
	        this.updated_at = this.convertValues(source["updated_at"], null);
	        this.last_event = source["last_event"];
	        this.events = source["events"];
	        this.notes = source["notes"];
	        this.clock = this.convertValues(source["clock"], ClockFlag);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	
	export class Fee {
	    charged: boolean;
	    name?: string;
	    standard: string;
	    waiver?: string;
	    legal_basis?: string;
	
	    static createFrom(source: any = {}) {
	        return new Fee(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.charged = source["charged"];
	        this.name = source["name"];
	        this.standard = source["standard"];
	        this.waiver = source["waiver"];
	        this.legal_basis = source["legal_basis"];
	    }
	}
	export class Situation {
	    code: string;
	    name: string;
	    extra_materials: string[];
	
	    static createFrom(source: any = {}) {
	        return new Situation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.name = source["name"];
	        this.extra_materials = source["extra_materials"];
	    }
	}
	export class Material {
	    code: string;
	    name: string;
	    source: string;
	    originals: number;
	    copies: number;
	    required: string;
	    e_license: boolean;
	    spec: string;
	    note: string;
	    legal_basis?: string;
	
	    static createFrom(source: any = {}) {
	        return new Material(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.name = source["name"];
	        this.source = source["source"];
	        this.originals = source["originals"];
	        this.copies = source["copies"];
	        this.required = source["required"];
	        this.e_license = source["e_license"];
	        this.spec = source["spec"];
	        this.note = source["note"];
	        this.legal_basis = source["legal_basis"];
	    }
	}
	export class Location {
	    name: string;
	    address?: string;
	    hours?: string;
	    phone?: string;
	
	    static createFrom(source: any = {}) {
	        return new Location(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.address = source["address"];
	        this.hours = source["hours"];
	        this.phone = source["phone"];
	    }
	}
	export class Rights {
	    take_in: string[];
	    accept: string[];
	    decide: string[];
	    deliver: string[];
	
	    static createFrom(source: any = {}) {
	        return new Rights(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.take_in = source["take_in"];
	        this.accept = source["accept"];
	        this.decide = source["decide"];
	        this.deliver = source["deliver"];
	    }
	}
	export class Item {
	    basic_code: string;
	    implementation_code: string;
	    version?: number;
	    status?: string;
	    effective_date?: string;
	    name: string;
	    handling_item: string;
	    type: string;
	    department: string;
	    target: string[];
	    kind: string;
	    legal_limit: workday.Limit;
	    promised_limit: workday.Limit;
	    visits: number;
	    handled_at: string;
	    rights?: Rights;
	    online_depth?: string;
	    fee: Fee;
	    allows_rongque: boolean;
	    allows_commitment: boolean;
	    delivery: string[];
	    conditions: string[];
	    locations?: Location[];
	    materials: Material[];
	    situations?: Situation[];
	    age_min?: number;
	    age_max?: number;
	    region_prefix?: string;
	    legal_basis?: string;
	    acceptance_standard?: string;
	
	    static createFrom(source: any = {}) {
	        return new Item(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.basic_code = source["basic_code"];
	        this.implementation_code = source["implementation_code"];
	        this.version = source["version"];
	        this.status = source["status"];
	        this.effective_date = source["effective_date"];
	        this.name = source["name"];
	        this.handling_item = source["handling_item"];
	        this.type = source["type"];
	        this.department = source["department"];
	        this.target = source["target"];
	        this.kind = source["kind"];
	        this.legal_limit = this.convertValues(source["legal_limit"], workday.Limit);
	        this.promised_limit = this.convertValues(source["promised_limit"], workday.Limit);
	        this.visits = source["visits"];
	        this.handled_at = source["handled_at"];
	        this.rights = this.convertValues(source["rights"], Rights);
	        this.online_depth = source["online_depth"];
	        this.fee = this.convertValues(source["fee"], Fee);
	        this.allows_rongque = source["allows_rongque"];
	        this.allows_commitment = source["allows_commitment"];
	        this.delivery = source["delivery"];
	        this.conditions = source["conditions"];
	        this.locations = this.convertValues(source["locations"], Location);
	        this.materials = this.convertValues(source["materials"], Material);
	        this.situations = this.convertValues(source["situations"], Situation);
	        this.age_min = source["age_min"];
	        this.age_max = source["age_max"];
	        this.region_prefix = source["region_prefix"];
	        this.legal_basis = source["legal_basis"];
	        this.acceptance_standard = source["acceptance_standard"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	

}

export namespace hallclient {
	
	export class BlobLeft {
	    sha256: string;
	    size: number;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new BlobLeft(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sha256 = source["sha256"];
	        this.size = source["size"];
	        this.reason = source["reason"];
	    }
	}
	export class BlobResult {
	    uploaded: number;
	    present: number;
	    bytes: number;
	    pending: number;
	    error?: string;
	    error_zh?: string;
	
	    static createFrom(source: any = {}) {
	        return new BlobResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.uploaded = source["uploaded"];
	        this.present = source["present"];
	        this.bytes = source["bytes"];
	        this.pending = source["pending"];
	        this.error = source["error"];
	        this.error_zh = source["error_zh"];
	    }
	}
	export class ErrorInfo {
	    code: string;
	    message: string;
	    zh: string;
	    // Go type: time
	    at: any;
	
	    static createFrom(source: any = {}) {
	        return new ErrorInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.message = source["message"];
	        this.zh = source["zh"];
	        this.at = this.convertValues(source["at"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ExportResult {
	    id: string;
	    file: string;
	    events: number;
	    requests: number;
	    cursor: number;
	    left: number;
	    bytes: number;
	    attachments: number;
	    attachment_bytes: number;
	    attach_budget: number;
	    attachments_left: BlobLeft[];
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.file = source["file"];
	        this.events = source["events"];
	        this.requests = source["requests"];
	        this.cursor = source["cursor"];
	        this.left = source["left"];
	        this.bytes = source["bytes"];
	        this.attachments = source["attachments"];
	        this.attachment_bytes = source["attachment_bytes"];
	        this.attach_budget = source["attach_budget"];
	        this.attachments_left = this.convertValues(source["attachments_left"], BlobLeft);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ImportResult {
	    id: string;
	    already_imported?: boolean;
	    acks: protocol.AckTally;
	    pulled: number;
	    published: number;
	    cursor: number;
	    resync?: boolean;
	    attachments: number;
	    attachments_refused?: bundle.BlobAck[];
	    stale: number;
	    nothing_new: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.already_imported = source["already_imported"];
	        this.acks = this.convertValues(source["acks"], protocol.AckTally);
	        this.pulled = source["pulled"];
	        this.published = source["published"];
	        this.cursor = source["cursor"];
	        this.resync = source["resync"];
	        this.attachments = source["attachments"];
	        this.attachments_refused = this.convertValues(source["attachments_refused"], bundle.BlobAck);
	        this.stale = source["stale"];
	        this.nothing_new = source["nothing_new"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Result {
	    rounds: number;
	    pushed: number;
	    accepted: number;
	    conflicts: number;
	    rejected: number;
	    duplicates: number;
	    pulled: number;
	    published: number;
	    cursor: number;
	    resynced?: boolean;
	    partial?: boolean;
	    upgrade_advised?: boolean;
	    clock_skew: number;
	    blobs: BlobResult;
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.rounds = source["rounds"];
	        this.pushed = source["pushed"];
	        this.accepted = source["accepted"];
	        this.conflicts = source["conflicts"];
	        this.rejected = source["rejected"];
	        this.duplicates = source["duplicates"];
	        this.pulled = source["pulled"];
	        this.published = source["published"];
	        this.cursor = source["cursor"];
	        this.resynced = source["resynced"];
	        this.partial = source["partial"];
	        this.upgrade_advised = source["upgrade_advised"];
	        this.clock_skew = source["clock_skew"];
	        this.blobs = this.convertValues(source["blobs"], BlobResult);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Status {
	    enrolled: boolean;
	    station?: string;
	    hall_url?: string;
	    online: boolean;
	    state: string;
	    state_zh: string;
	    pending_events: number;
	    pending_blobs: number;
	    open_conflicts: number;
	    cursor: number;
	    // Go type: time
	    last_attempt?: any;
	    // Go type: time
	    last_success?: any;
	    last_error?: ErrorInfo;
	    clock_skew_ms: number;
	    clock_note?: string;
	    clock_note_zh?: string;
	    upgrade_advised?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enrolled = source["enrolled"];
	        this.station = source["station"];
	        this.hall_url = source["hall_url"];
	        this.online = source["online"];
	        this.state = source["state"];
	        this.state_zh = source["state_zh"];
	        this.pending_events = source["pending_events"];
	        this.pending_blobs = source["pending_blobs"];
	        this.open_conflicts = source["open_conflicts"];
	        this.cursor = source["cursor"];
	        this.last_attempt = this.convertValues(source["last_attempt"], null);
	        this.last_success = this.convertValues(source["last_success"], null);
	        this.last_error = this.convertValues(source["last_error"], ErrorInfo);
	        this.clock_skew_ms = source["clock_skew_ms"];
	        this.clock_note = source["clock_note"];
	        this.clock_note_zh = source["clock_note_zh"];
	        this.upgrade_advised = source["upgrade_advised"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace notice {
	
	export class Material {
	    code: string;
	    name: string;
	    required: string;
	    spec?: string;
	    originals: number;
	    copies: number;
	    collected: string;
	    count?: number;
	
	    static createFrom(source: any = {}) {
	        return new Material(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.name = source["name"];
	        this.required = source["required"];
	        this.spec = source["spec"];
	        this.originals = source["originals"];
	        this.copies = source["copies"];
	        this.collected = source["collected"];
	        this.count = source["count"];
	    }
	}
	export class Issuer {
	    code: string;
	    name: string;
	    region: string;
	    kind: string;
	    hall?: string;
	
	    static createFrom(source: any = {}) {
	        return new Issuer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.name = source["name"];
	        this.region = source["region"];
	        this.kind = source["kind"];
	        this.hall = source["hall"];
	    }
	}
	export class Document {
	    kind: string;
	    case?: domain.Case;
	    station: Issuer;
	    date: string;
	    due?: string;
	    legal_due?: string;
	    qr: string;
	    signed: boolean;
	    clerk_name: string;
	    result_zh?: string;
	    missing?: string[];
	    waived: number;
	    query_password?: string;
	    short_number?: string;
	    materials: Material[];
	
	    static createFrom(source: any = {}) {
	        return new Document(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.case = this.convertValues(source["case"], domain.Case);
	        this.station = this.convertValues(source["station"], Issuer);
	        this.date = source["date"];
	        this.due = source["due"];
	        this.legal_due = source["legal_due"];
	        this.qr = source["qr"];
	        this.signed = source["signed"];
	        this.clerk_name = source["clerk_name"];
	        this.result_zh = source["result_zh"];
	        this.missing = source["missing"];
	        this.waived = source["waived"];
	        this.query_password = source["query_password"];
	        this.short_number = source["short_number"];
	        this.materials = this.convertValues(source["materials"], Material);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}

export namespace protocol {
	
	export class AckTally {
	    accepted: number;
	    conflicts: number;
	    rejected: number;
	    duplicates: number;
	
	    static createFrom(source: any = {}) {
	        return new AckTally(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.accepted = source["accepted"];
	        this.conflicts = source["conflicts"];
	        this.rejected = source["rejected"];
	        this.duplicates = source["duplicates"];
	    }
	}

}

export namespace workday {
	
	export class Limit {
	    value: number;
	    unit: string;
	
	    static createFrom(source: any = {}) {
	        return new Limit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.value = source["value"];
	        this.unit = source["unit"];
	    }
	}

}

