// ml-naivebayes ships no type declarations: the part bench/classifier-baselines.ts uses.
declare module 'ml-naivebayes' {
  export class GaussianNB {
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(dataset: number[][]): number[];
  }
}
