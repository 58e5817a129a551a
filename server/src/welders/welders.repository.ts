import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { CertificateValidity, certificateValiditySql } from './certificate-rules';
import { CERTIFICATE_RANK } from './certificate-verdict';
import { CertificateStateFilter } from './dto/list-welders-query.dto';
import { Welder } from './welder.entity';
import { CappedCount, cappedCount, LEDGER_COUNT_CAP } from '../common/http/capped-count';

export interface WelderSearch {
  nameContains?: string;
  idNumberIndex?: string;
  employerId?: string;
  status?: string;
  certificateState?: CertificateStateFilter;
  /** China calendar date "today" and today + 90 days, for the certificate filters. */
  today: string;
  soon: string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const WELDING = `c.category = 'welding_and_thermal_cutting'`;
/** Each certificate judged today by the one rule (certificate-rules.ts). */
const VALIDITY_TODAY = certificateValiditySql('c', ':certToday');
const certExists = (cond: string) =>
  `EXISTS (SELECT 1 FROM certificates c WHERE c.welder_id = w.id AND ${WELDING} AND ${cond})`;
const quoted = (vs: string[]) => vs.map((v) => `'${v}'`).join(', ');

/** The welder's verdict is `v` (certificate-verdict.ts: the best certificate wins): one is `v`, none is better. */
function verdictIs(v: CertificateValidity): string {
  const better = (Object.keys(CERTIFICATE_RANK) as CertificateValidity[]).filter(
    (o) => CERTIFICATE_RANK[o] < CERTIFICATE_RANK[v],
  );
  const holds = certExists(`${VALIDITY_TODAY} = '${v}'`);
  return better.length ? `${holds} AND NOT ${certExists(`${VALIDITY_TODAY} IN (${quoted(better)})`)}` : holds;
}

/** SQL for each certificate-state filter: the same verdict the permit checks and the overview's census reach. */
const CERTIFICATE_STATE_SQL: Record<CertificateStateFilter, string> = {
  valid: verdictIs('valid'),
  // A valid certificate expires after today: the candidates are the few certificates expiring within the
  // window (certificates_expires_idx), not every welder of the scope probed in turn (issue 19: 1.7 s for 7 rows).
  expiring_90d: `w.id IN (SELECT c.welder_id FROM certificates c WHERE ${WELDING} AND c.expires_on > :certToday AND c.expires_on <= :certSoon AND ${VALIDITY_TODAY} = 'valid') AND NOT ${certExists(`${VALIDITY_TODAY} = 'valid' AND c.expires_on > :certSoon`)}`,
  expired: verdictIs('expired'),
  review_overdue: verdictIs('review_overdue'),
  unverified: verdictIs('unverified'),
  none: `NOT ${certExists('TRUE')}`,
};

const RANK_OF_VALIDITY = `CASE b.v ${Object.entries(CERTIFICATE_RANK)
  .map(([v, rank]) => `WHEN '${v}' THEN ${rank}`)
  .join(' ')} END`;
/**
 * The welder's certificate state in SQL, as certificateStateOf (welder-views.ts) reaches it: the best
 * welding certificate (CERTIFICATE_RANK, then the latest expiry), 'expiring_90d' when that one is valid
 * and expires by :certSoon, 'none' without one.
 */
const CERTIFICATE_STATE_OF_WELDER = `COALESCE((
  SELECT CASE WHEN b.v = 'valid' AND b.expires_on <= :certSoon THEN 'expiring_90d' ELSE b.v END
    FROM (SELECT ${VALIDITY_TODAY} AS v, c.expires_on FROM certificates c WHERE c.welder_id = w.id AND ${WELDING}) b
   ORDER BY ${RANK_OF_VALIDITY}, b.expires_on DESC
   LIMIT 1), 'none')`;

@Injectable()
export class WeldersRepository {
  constructor(
    @InjectRepository(Welder) private readonly repo: Repository<Welder>,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
  ) {}

  findWithEmployer(id: string, em: EntityManager = this.repo.manager): Promise<Welder | null> {
    return em.findOne(Welder, { where: { id }, relations: { employer: true } });
  }

  /** Locks the welder row for the rest of the transaction (concurrent edits of one welder serialise). */
  findWithEmployerForUpdate(em: EntityManager, id: string): Promise<Welder | null> {
    return em
      .createQueryBuilder(Welder, 'w')
      .innerJoinAndSelect('w.employer', 'e')
      .where('w.id = :id', { id })
      .setLock('pessimistic_write', undefined, ['w'])
      .getOne();
  }

  findByIdNumberIndex(index: string, em: EntityManager = this.repo.manager): Promise<Welder | null> {
    return em.findOne(Welder, { where: { idNumberIndex: index } });
  }

  findManyByIdNumberIndexes(indexes: string[], em: EntityManager = this.repo.manager): Promise<Welder[]> {
    if (!indexes.length) return Promise.resolve([]);
    return em.find(Welder, { where: { idNumberIndex: In(indexes) }, relations: { employer: true } });
  }

  findEnterprise(id: string, em: EntityManager = this.repo.manager): Promise<Enterprise | null> {
    return this.enterpriseLookup.findById(id, em);
  }

  async insert(em: EntityManager, data: Partial<Welder>): Promise<Welder> {
    return em.save(Welder, em.create(Welder, data));
  }

  save(em: EntityManager, welder: Welder): Promise<Welder> {
    return em.save(Welder, welder);
  }

  /** One page of welders matching the filters, restricted by `scope` (the caller's visibility). */
  /** The list's statement without order or page: scope and filters, welders joined to their employer. */
  private filtered(
    f: WelderSearch,
    scope: (qb: SelectQueryBuilder<Welder>) => SelectQueryBuilder<Welder>,
  ): SelectQueryBuilder<Welder> {
    const qb = this.repo.createQueryBuilder('w').innerJoinAndSelect('w.employer', 'e');
    scope(qb);
    if (f.nameContains) qb.andWhere('w.real_name ILIKE :name', { name: `%${escapeLike(f.nameContains)}%` });
    if (f.idNumberIndex) qb.andWhere('w.id_number_index = :idx', { idx: f.idNumberIndex });
    if (f.employerId) qb.andWhere('w.employer_id = :employerId', { employerId: f.employerId });
    if (f.status) qb.andWhere('w.status = :status', { status: f.status });
    if (f.certificateState)
      qb.andWhere(`(${CERTIFICATE_STATE_SQL[f.certificateState]})`, { certToday: f.today, certSoon: f.soon });
    return qb;
  }

  /**
   * The ledger export's statement: the list's scope, filters and order with the sheet's columns
   * (WelderExportRow; masked fields only), the certificate state computed per row in SQL, for a
   * server-side cursor in the export worker.
   */
  exportStatement(
    f: WelderSearch,
    scope: (qb: SelectQueryBuilder<Welder>) => SelectQueryBuilder<Welder>,
  ): [string, unknown[]] {
    return (
      this.filtered(f, scope)
        .select([])
        .addSelect('w.real_name', 'realName')
        .addSelect('w.id_number_masked', 'idNumberMasked')
        // certificateNumberMasked (welder-views.ts): the number is the ID number, shown masked the same way.
        .addSelect(`'T' || w.id_number_masked`, 'certificateNumberMasked')
        .addSelect('w.phone_masked', 'phoneMasked')
        .addSelect('e.name', 'employerName')
        .addSelect('w.status', 'status')
        .addSelect(CERTIFICATE_STATE_OF_WELDER, 'certificateState')
        .addSelect('w.created_at', 'createdAt')
        .setParameters({ certToday: f.today, certSoon: f.soon })
        .orderBy('w.createdAt', 'DESC')
        .addOrderBy('w.id', 'ASC')
        .getQueryAndParameters()
    );
  }

  searchPage(
    f: WelderSearch,
    scope: (qb: SelectQueryBuilder<Welder>) => SelectQueryBuilder<Welder>,
    offset: number,
    limit: number,
  ): Promise<[Welder[], CappedCount]> {
    const qb = this.filtered(f, scope);
    // Welder → employer is many-to-one: the capped count needs no DISTINCT (getManyAndCount's COUNT(DISTINCT) did).
    return Promise.all([
      qb.clone().orderBy('w.createdAt', 'DESC').addOrderBy('w.id', 'ASC').offset(offset).limit(limit).getMany(),
      cappedCount(qb, LEDGER_COUNT_CAP),
    ]);
  }
}
