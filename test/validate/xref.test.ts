import { describe, expect, it } from "vitest";
import { validateFixture } from "./helpers.js";

const SECRET_MSG = "(no ExternalSecret target or Secret of that name)";

describe("cross-references", () => {
  describe("a. Flux dependsOn", () => {
    const opts = { externalKustomizations: ["flux-system/external-secrets-stores"] };
    it("passes when every dependency exists or is declared external", async () => {
      expect((await validateFixture("depends-on-pass", opts)).lines).toEqual([]);
    });
    it("reports missing dependencies, with the dependent's namespace as default", async () => {
      expect((await validateFixture("depends-on-fail", opts)).lines).toEqual([
        "ks.yaml:31: Kustomization/cloudnative-pg-cluster: dependsOn flux-system/cloudnative-pg-operator: no Flux Kustomization of that name in the tree",
        "ks.yaml:33: Kustomization/cloudnative-pg-cluster: dependsOn databases/cloudnative-pg: no Flux Kustomization of that name in the tree",
      ]);
    });
  });

  it("a custom resource is not applied with the HelmRelease that installs its CRD", async () => {
    expect((await validateFixture("crd-order-fail")).lines).toEqual([
      "root/app/cluster.yaml:1: Cluster/app-postgres: applied by Kustomization flux-system/root with HelmRelease cloudnative-pg, which installs its CRD: Flux dry-runs the whole apply first, so on a fresh cluster neither is applied; apply the two from Kustomizations of their own, this one's dependsOn the HelmRelease's",
    ]);
  });

  it("a Flux Kustomization's spec.path exists in the tree", async () => {
    expect((await validateFixture("flux-path-fail")).lines).toEqual([
      "ks.yaml:9: Kustomization/moved-app: spec.path ./kubernetes/apps/moved-app/app does not exist in the tree",
    ]);
  });

  it("a Kustomization applying a pinned upstream GitRepository is noted; the team's own repository is still checked", async () => {
    const r = await validateFixture("upstream-source");
    expect(r.lines).toEqual(["ks.yaml:45: Kustomization/apps: spec.path ./kubernetes/apps does not exist in the tree"]);
    expect([...r.notes].filter((n) => n.includes("cloudnative-pg-crds"))).toEqual([
      "ks.yaml: Kustomization cloudnative-pg-crds: applies GitRepository cloudnative-pg-crds (https://github.com/cloudnative-pg/cloudnative-pg at v1.27.1), not this tree: its output is not modelled",
    ]);
  });

  it("every PrometheusRule expr parses by the PromQL grammar (lezer-promql)", async () => {
    expect((await validateFixture("promql-fail")).lines).toEqual([
      'rules.yaml:14: PrometheusRule/team-alerts: alert Unclosed: expr does not parse as PromQL at character 42 (near "ollections_total[5m]")',
      'rules.yaml:16: PrometheusRule/team-alerts: record job:lag:max: expr does not parse as PromQL at character 14 (near "max by (job) cnpg_pg_replication_")',
    ]);
  });

  describe("b. Secrets produced in the same namespace", () => {
    const opts = { externalSecrets: ["alpha/pg-ca", "beta/pg-ca"] };
    it("passes with ExternalSecrets, (SOPS) Secrets and component names substituted per app", async () => {
      expect((await validateFixture("secrets-pass", opts)).lines).toEqual([]);
    });
    it("reports each missing Secret once per manifest, per app for components", async () => {
      expect((await validateFixture("secrets-fail", opts)).lines).toEqual([
        `components/cnpg/cronjob.yaml:21: CronJob/beta-pg-backups: Secret beta-pguser-secret is not produced in namespace beta ${SECRET_MSG}`,
        `databases/cluster.yaml:10: Cluster/pg: Secret pg-superuser is not produced in namespace databases ${SECRET_MSG}`,
        `databases/cluster.yaml:16: Cluster/pg: Secret pg-initdb is not produced in namespace databases ${SECRET_MSG}`,
        `databases/cluster.yaml:22: Cluster/pg: Secret reporting-password is not produced in namespace databases ${SECRET_MSG}`,
        `databases/cluster.yaml:41: DatabaseRole/svc: Secret svc-password is not produced in namespace databases ${SECRET_MSG}`,
        `databases/objectstore.yaml:15: ObjectStore/backups: Secret store-creds is not produced in namespace databases ${SECRET_MSG}`,
      ]);
    });
  });

  describe("b'. Secrets made by other producers", () => {
    it("counts secretGenerator, cert-manager Certificates and SealedSecrets, and still reports the rest", async () => {
      expect((await validateFixture("secret-producers")).lines.filter((l) => l.includes("is not produced"))).toEqual([
        `web/deployment.yaml:30: Deployment/web: Secret web-nowhere is not produced in namespace web ${SECRET_MSG}`,
      ]);
    });
  });

  describe("c. Database owners", () => {
    it("passes for initdb owners (explicit and default), managed roles and DatabaseRoles", async () => {
      expect((await validateFixture("database-owner-pass")).lines).toEqual([]);
    });
    it("reports owners that are not roles of the database's cluster", async () => {
      const hint = "add a DatabaseRole, a managed.roles entry or the initdb owner";
      expect((await validateFixture("database-owner-fail")).lines).toEqual([
        `databases.yaml:22: Database/ghost: owner ghost is not a role of cluster pg: ${hint}`,
        `databases.yaml:33: Database/svc: owner svc is not a role of cluster small: ${hint}`,
        `databases.yaml:44: Database/elsewhere: owner app is not a role of cluster pg: ${hint}`,
        `databases.yaml:55: Database/lost: owner app is not a role of cluster pg: ${hint} (cluster pg is not defined in namespace apps)`,
      ]);
    });
  });

  describe("d. network policy counterparts", () => {
    it("passes when the database side admits the app namespace", async () => {
      expect((await validateFixture("network-policy-pass")).lines).toEqual([]);
    });
    it("reports app egress to CNPG without a database-side policy", async () => {
      expect((await validateFixture("network-policy-fail")).lines).toEqual([
        "app.yaml:17: CiliumNetworkPolicy/myapp-to-postgres: egress to CNPG cluster postgres in namespace databases has no database-side CiliumNetworkPolicy admitting namespace apps",
        "app.yaml:37: CiliumNetworkPolicy/myapp-to-local-db: egress to CNPG cluster myapp-db in namespace apps has no database-side CiliumNetworkPolicy admitting namespace apps",
      ]);
    });
  });

  describe("e. every pod under some CiliumNetworkPolicy", () => {
    // Deployments have no schema offline; this rule is not about schemas.
    const opts = { ignoreMissingSchemas: true };
    it("passes when each pod of a namespace with policies is selected (labels, k8s: keys, expressions, clusterwide)", async () => {
      expect((await validateFixture("policy-coverage-pass", opts)).lines).toEqual([]);
    });
    it("reports each uncovered workload (CNPG Cluster, plugin HelmRelease, CronJob, Deployment), not namespaces without policies", async () => {
      const msg = (labels: string) => `its pods (${labels}) are selected by no CiliumNetworkPolicy in namespace databases, where other pods have policies`;
      expect((await validateFixture("policy-coverage-fail", opts)).lines).toEqual([
        `workloads.yaml:5: Cluster/pg: ${msg("cnpg.io/cluster=pg, cnpg.io/podRole=instance")}`,
        `workloads.yaml:26: HelmRelease/plugin-barman-cloud: ${msg("app.kubernetes.io/name=plugin-barman-cloud, app.kubernetes.io/instance=plugin-barman-cloud")}`,
        `workloads.yaml:46: CronJob/dump: ${msg("app.kubernetes.io/name=dump")}`,
        `workloads.yaml:65: Deployment/web: ${msg("app=web, tier=front")}`,
      ]);
    });
  });

  describe("f. labels Flux commonMetadata overwrites", () => {
    it("passes when the object's labels agree with its Kustomization's commonMetadata", async () => {
      expect((await validateFixture("common-metadata-pass")).lines).toEqual([]);
    });
    it("reports each label and annotation commonMetadata replaces, at the object's own line; pod templates are not touched", async () => {
      const by = "by commonMetadata of Kustomization flux-system/shop";
      expect((await validateFixture("common-metadata-fail")).lines).toEqual([
        `apps/shop/configmap.yaml:6: ConfigMap/shop-settings: label app.kubernetes.io/name "shop-settings" is replaced with "shop" ${by}`,
        `components/backup/cronjob.yaml:6: CronJob/shop-pg-backups: label app.kubernetes.io/name "shop-pg-backups" is replaced with "shop" ${by}`,
        `components/backup/cronjob.yaml:9: CronJob/shop-pg-backups: annotation example.com/team "databases" is replaced with "web" ${by}`,
      ]);
    });
  });
});
