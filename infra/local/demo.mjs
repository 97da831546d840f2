// The demo consortium `npm start` seeds: three institutions, each with its own storage site and one
// or two synthetic datasets, one user per role, and a researcher. Names and e-mail domains are
// invented (`.example` is reserved for exactly this); passwords are generated on first start.

/** The consortium's researcher: a user of no institution, who browses the market and asks for analyses. */
export const DEMO_RESEARCHER = { email: 'researcher@lab.example', displayName: 'Dr. Ada Okafor' };

/**
 * The institutions. Each runs its own data-storage process (`nodeId`), with its own port, SQLite
 * database, node key and data directory under `<data>/sites/<nodeId>/`. Its head applies for
 * membership and becomes its institution-admin once admitted; a member (staff) account uploads.
 */
export const DEMO_INSTITUTIONS = [
  {
    nodeId: 'site-north',
    name: 'Northbridge University Hospital',
    domain: 'northbridge.example',
    head: 'Dr. Helen Marsh',
    member: 'Sam Patel',
    datasets: [
      {
        name: 'Cardiology outpatients 2023',
        fileName: 'cardiology-outpatients-2023.csv',
        description: 'Resting vitals, blood pressure and laboratory values of adult cardiology outpatients, one row per first visit in 2023',
        profile: 'cardiology',
        rows: 3000,
      },
      {
        name: 'Diabetes clinic cohort',
        fileName: 'diabetes-clinic-cohort.csv',
        description: 'Baseline measurements of the diabetes clinic cohort, with HbA1c',
        profile: 'diabetes',
        rows: 2000,
      },
    ],
  },
  {
    nodeId: 'site-aldric',
    name: 'St. Aldric Medical Centre',
    domain: 'st-aldric.example',
    head: 'Dr. Tomas Reyes',
    member: 'Lena Brandt',
    datasets: [
      {
        name: 'General medicine admissions 2023',
        fileName: 'general-medicine-admissions-2023.csv',
        description: 'Admission vitals and laboratory values of adult general medicine inpatients in 2023',
        profile: 'general',
        rows: 3500,
      },
    ],
  },
  {
    nodeId: 'site-lakeside',
    name: 'Lakeside Clinical Institute',
    domain: 'lakeside.example',
    head: 'Dr. Priya Raman',
    member: 'Jonas Weber',
    datasets: [
      {
        name: 'Community health screening',
        fileName: 'community-health-screening.csv',
        description: 'Cardiovascular risk screening of adults in the Lakeside catchment area',
        profile: 'screening',
        rows: 4000,
      },
    ],
  },
];

export function headEmail(institution) {
  return `admin@${institution.domain}`;
}

export function memberEmail(institution) {
  return `member@${institution.domain}`;
}
